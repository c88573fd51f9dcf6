// Help texts. Kept next to the verbs' flag lists so they are updated together.

export const MAIN_HELP = `kubectl quota: see and explain Milo quota (quota.miloapis.com) from the command line.

Usage:
  kubectl quota usage   [--consumer kind/name] [-n namespace | -A] [-o table|json|yaml]
  kubectl quota explain claim <name> [-n namespace] [-o table|json|yaml]
  kubectl quota wait    claim <name> [-n namespace] [--timeout 30s] [-o text|json]

Global flags:
  --kubeconfig <file>   kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)
  --context <name>      kubeconfig context to use (default: the current context)
  -n, --namespace <ns>  namespace of the claim (default: the context's namespace, else "default")
  -h, --help            help for a command: kubectl quota <command> --help

Exit codes: 0 success (wait: granted), 1 wait: denied, 2 wait: timed out, 3 any error.
`;

export const VERB_HELP: Readonly<Record<string, string>> = {
  usage: `Show, per consumer, each resource type's limit, allocated and available amounts with a usage bar.

Usage: kubectl quota usage [--consumer kind[.group]/name] [-n namespace | -A] [-o table|json|yaml]

  --consumer kind/name   only this consumer, e.g. organization/acme (kind ignores case)
  -n, --namespace <ns>   only buckets in this namespace (default: all namespaces, as buckets live in the
                         operator's quota namespace rather than yours)
  -A, --all-namespaces   all namespaces (the default; kept for kubectl habits)
  -o, --output <format>  table (default), json or yaml

Bars turn yellow at 80 % and red when full or over-committed, on a terminal without NO_COLOR.
`,
  explain: `Explain why a claim was granted, denied or is still pending.

Usage: kubectl quota explain claim <name> [-n namespace] [-o table|json|yaml]

Shows each request's decision and message, its bucket's current limit, allocated and available figures,
the consumer, the object the claim pays for, its owners and the ClaimCreationPolicy that made it.
`,
  wait: `Wait until a claim is decided.

Usage: kubectl quota wait claim <name> [-n namespace] [--timeout 30s] [-o text|json]

  --timeout <duration>   how long to wait, e.g. 30s, 2m, 1m30s; 0 checks once (default 30s)
  -o, --output <format>  text (default) or json

Exit codes: 0 granted, 1 denied, 2 still pending at the timeout, 3 error (bad flags, no cluster, no such claim).
`,
};
