package main

// kstatus computes each object's status the way Flux, kpt and cli-utils' apply
// do (sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute), so tests can check
// that the operator's status fields are read correctly by those tools.
//
// Usage: kube kstatus [-o text|json] [file...]   (no file: stdin)
// Input is YAML (one or more documents) or JSON; a List (kubectl get -o json)
// is expanded into its items. Prints one line per object; exit 1 on bad input.

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type kstatusLine struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	Message    string `json:"message"`
}

func runKstatus(args []string) int {
	flags := flag.NewFlagSet("kstatus", flag.ContinueOnError)
	output := flags.String("o", "text", "output format: text or json (one JSON object per line)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(os.Stderr, "kstatus: -o %q is not a format; use text or json\n", *output)
		return 2
	}
	inputs := flags.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	for _, input := range inputs {
		objects, err := readObjects(input)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kstatus: %s: %v\n", input, err)
			return 1
		}
		for _, obj := range objects {
			result, err := status.Compute(obj)
			if err != nil {
				fmt.Fprintf(os.Stderr, "kstatus: %s %s: %v\n", obj.GetKind(), obj.GetName(), err)
				return 1
			}
			printLine(*output, kstatusLine{
				APIVersion: obj.GetAPIVersion(),
				Kind:       obj.GetKind(),
				Namespace:  obj.GetNamespace(),
				Name:       obj.GetName(),
				Status:     result.Status.String(),
				Message:    result.Message,
			})
		}
	}
	return 0
}

func printLine(format string, line kstatusLine) {
	if format == "json" {
		encoded, _ := json.Marshal(line)
		fmt.Println(string(encoded))
		return
	}
	name := line.Name
	if line.Namespace != "" {
		name = line.Namespace + "/" + name
	}
	fmt.Printf("%s\t%s\t%s\t%s\n", line.Status, line.Kind, name, line.Message)
}

func readObjects(input string) ([]*unstructured.Unstructured, error) {
	var reader io.Reader = os.Stdin
	if input != "-" {
		file, err := os.Open(input)
		if err != nil {
			return nil, err
		}
		defer file.Close()
		reader = file
	}
	decoder := utilyaml.NewYAMLOrJSONDecoder(reader, 4096)
	var objects []*unstructured.Unstructured
	for {
		var raw runtime.RawExtension
		if err := decoder.Decode(&raw); err != nil {
			if err == io.EOF {
				return objects, nil
			}
			return nil, err
		}
		doc := strings.TrimSpace(string(raw.Raw))
		if doc == "" || doc == "null" || doc == "{}" {
			continue
		}
		// the unstructured JSON scheme keeps integers as int64, as kstatus expects
		decoded, _, err := unstructured.UnstructuredJSONScheme.Decode(raw.Raw, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("not a Kubernetes object or List: %w", err)
		}
		switch obj := decoded.(type) {
		case *unstructured.Unstructured:
			objects = append(objects, obj)
		case *unstructured.UnstructuredList:
			for i := range obj.Items {
				objects = append(objects, &obj.Items[i])
			}
		}
	}
}
