// Command kube is a multi-call binary holding the upstream Kubernetes control
// plane the project tests against: etcd, kube-apiserver, kube-controller-manager
// and kubectl, all built from the Go modules pinned in go.mod.
//
// Usage: kube <component> [flags...]
// It also holds `kube kstatus`, cli-utils' status computation (kstatus.go).
// Each component runs in its own process; they share global state (feature
// gates, klog flags, metrics registries) and must not be combined in one.
package main

import (
	"fmt"
	"os"
	"time"

	"go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/client-go/plugin/pkg/client/auth"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	kubectlcmd "k8s.io/kubectl/pkg/cmd"
	cmdutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: kube etcd|kube-apiserver|kube-controller-manager|kubectl|kstatus [flags...]")
		os.Exit(2)
	}
	if os.Getenv("KUBE_EXIT_WITH_PARENT") == "1" {
		go exitWithParent()
	}
	component, args := os.Args[1], os.Args[2:]
	// Each upstream command reads os.Args itself (cobra, kubectl's plugin
	// lookup), so present it with the argv its own binary would have seen.
	os.Args = append([]string{component}, args...)
	switch component {
	case "etcd":
		etcdmain.Main(append([]string{"etcd"}, args...))
	case "kube-apiserver":
		cmd := apiserver.NewAPIServerCommand()
		os.Exit(cli.Run(cmd))
	case "kube-controller-manager":
		cmd := controllermanager.NewControllerManagerCommand()
		os.Exit(cli.Run(cmd))
	case "kubectl":
		cmd := kubectlcmd.NewDefaultKubectlCommand()
		if err := cli.RunNoErrOutput(cmd); err != nil {
			cmdutil.CheckErr(err)
		}
	case "kstatus":
		os.Exit(runKstatus(args))
	default:
		fmt.Fprintf(os.Stderr, "kube: unknown component %q (want etcd, kube-apiserver, kube-controller-manager, kubectl or kstatus)\n", component)
		os.Exit(2)
	}
}

// exitWithParent ends the process once its parent is gone (it was re-parented),
// so a test harness killed with SIGKILL leaves no control plane behind.
func exitWithParent() {
	parent := os.Getppid()
	for range time.Tick(500 * time.Millisecond) {
		if os.Getppid() != parent {
			fmt.Fprintln(os.Stderr, "kube: parent process exited; stopping")
			os.Exit(3)
		}
	}
}
