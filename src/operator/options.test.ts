import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import { createCertificateAuthority } from '../runtime/pki.ts';
import { type OperatorOptions, parseOperatorOptions } from './options.ts';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseOperatorOptions(argv, env);
const DEFAULT_LIMITS = {
  maxInFlight: 64,
  maxConnections: 512,
  headersTimeoutMs: 5000,
  requestTimeoutMs: 5000,
  keepAliveTimeoutMs: 120_000,
};
/** The webhook options of argv, which must not turn webhooks off. */
const webhookOf = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const webhook = parse(argv, env).webhook;
  assert.ok(webhook !== false, 'webhooks are on');
  return webhook;
};
/** Option `key` is `value` from `--<flag>`, or from `env` without the flag; the flag wins over `env`. */
function assertFlagThenEnv(
  key: keyof OperatorOptions,
  flag: string,
  env: string,
  value: string,
  other: string,
) {
  assert.equal(parse([`--${flag}=${value}`])[key], value);
  assert.equal(parse([], { [env]: value })[key], value);
  assert.equal(parse([`--${flag}=${other}`], { [env]: value })[key], other, 'the flag wins');
}
const limits = (argv: string[]) => webhookOf(argv).limits;
const DEFAULT_WEBHOOK = {
  port: 9443,
  timeoutSeconds: 10,
  certDir: undefined,
  serviceName: 'milo-quota-webhook',
  urlHost: undefined,
  authorizeTriggerConsumer: false,
  clientCaFile: undefined,
  clientNames: [],
  limits: DEFAULT_LIMITS,
  contextConsumerRules: [
    {
      label: 'resourcemanager.miloapis.com/project-name',
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Project',
    },
    {
      label: 'resourcemanager.miloapis.com/organization-name',
      apiGroup: 'resourcemanager.miloapis.com',
      kind: 'Organization',
    },
  ],
  clusterScopedClaimNamespace: 'quota-system',
};

describe('webhook options', () => {
  it('serves on 9443 through the Service with a self-managed certificate by default', () => {
    assert.deepEqual(parse([]).webhook, DEFAULT_WEBHOOK);
  });

  it('checks the requester against the consumer of enforced creates only when asked', () => {
    assert.equal(webhookOf(['--authorize-trigger-consumer=true']).authorizeTriggerConsumer, true);
    assert.throws(
      () => parse(['--authorize-trigger-consumer=yes']),
      /--authorize-trigger-consumer: "yes" is not a boolean/,
    );
  });

  it('reads the local url mode, external certificates and the timeout', () => {
    const options = parse([
      '--webhook-port=0',
      '--webhook-url-host=127.0.0.1',
      '--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs',
      '--webhook-timeout-seconds=15',
      '--webhook-service-name=quota-webhook',
    ]);
    assert.deepEqual(options.webhook, {
      ...DEFAULT_WEBHOOK,
      port: 0,
      timeoutSeconds: 15,
      certDir: '/tmp/k8s-webhook-server/serving-certs',
      serviceName: 'quota-webhook',
      urlHost: '127.0.0.1',
    });
    assert.equal(webhookOf(['--webhook-url-host=[::1]']).urlHost, '::1');
  });

  it('maps namespace labels to context consumers in the given order, or none', () => {
    const webhook = webhookOf([
      '--context-consumer-labels= example.com/tenant=example.com/Tenant , team=/Team',
      '--cluster-scoped-claim-namespace=milo-system',
    ]);
    assert.deepEqual(webhook.contextConsumerRules, [
      { label: 'example.com/tenant', apiGroup: 'example.com', kind: 'Tenant' },
      { label: 'team', apiGroup: '', kind: 'Team' },
    ]);
    assert.equal(webhook.clusterScopedClaimNamespace, 'milo-system');
    assert.deepEqual(webhookOf(['--context-consumer-labels=']).contextConsumerRules, []);
  });

  it("the shipped Deployment's flags parse, and map Milo's Project and Organization labels", () => {
    const manifest = readFileSync(new URL('../../config/manager/deployment.yaml', import.meta.url), 'utf8');
    const deployment = load(manifest) as {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const args = deployment.spec.template.spec.containers[0]?.args ?? [];
    assert.ok(args.some((a) => a.startsWith('--context-consumer-labels=')));
    assert.deepEqual(
      webhookOf(args).contextConsumerRules?.map((r) => `${r.label}=${r.kind}`),
      [
        'resourcemanager.miloapis.com/project-name=Project',
        'resourcemanager.miloapis.com/organization-name=Organization',
      ],
    );
  });

  it('refuses a bad context consumer mapping or claim namespace, naming the flag and the shape', () => {
    for (const [flag, message] of [
      [
        '--context-consumer-labels=example.com/tenant',
        /--context-consumer-labels: "example.com\/tenant" is not <namespace label>=<apiGroup>\/<Kind>/,
      ],
      [
        '--context-consumer-labels=tenant=Example.com/Tenant',
        /"Example.com" in "tenant=Example.com\/Tenant" is not an API group/,
      ],
      [
        '--context-consumer-labels=tenant=example.com/tenant',
        /"tenant" in "tenant=example.com\/tenant" is not a kind/,
      ],
      ['--context-consumer-labels=-bad=example.com/Tenant', /"-bad" in .* is not a label key/],
      ['--context-consumer-labels=a=g.io/A,a=g.io/B', /label "a" is listed twice/],
      [
        '--cluster-scoped-claim-namespace=Milo_System',
        /--cluster-scoped-claim-namespace: "Milo_System" is not a namespace name/,
      ],
    ] as const) {
      assert.throws(() => parse([flag]), message, flag);
    }
  });

  it('turns webhooks off by flag or environment, the last flag winning', () => {
    assert.equal(parse(['--enable-webhooks=false']).webhook, false);
    assert.equal(parse([], { ENABLE_WEBHOOKS: 'false' }).webhook, false);
    assert.notEqual(parse(['--enable-webhooks=false', '--enable-webhooks=true']).webhook, false);
  });

  it('refuses bad values, naming the flag and the fix', () => {
    assert.throws(() => parse(['--webhook-port=99999']), /--webhook-port: "99999" is not a port/);
    assert.throws(() => parse(['--webhook-timeout-seconds=31']), /--webhook-timeout-seconds: .*from 1 to 30/);
    assert.throws(
      () => parse(['--webhook-url-host=https://127.0.0.1:9443']),
      /--webhook-url-host: .*no scheme, no port/,
    );
    assert.throws(
      () => parse(['--webhook-service-name=Webhook_Svc']),
      /--webhook-service-name: .*DNS-1123 label/,
    );
    assert.throws(() => parse(['--webhook-cert-dir=']), /--webhook-cert-dir: give the directory/);
    assert.throws(() => parse(['--enable-webhooks=maybe']), /--enable-webhooks: "maybe" is not a boolean/);
  });
});

describe('webhook server limit options', () => {
  it('reads the caps and timeouts an operator may tune', () => {
    assert.deepEqual(
      limits([
        '--webhook-max-in-flight=16',
        '--webhook-max-connections=100',
        '--webhook-request-timeout-seconds=3',
        '--webhook-keep-alive-timeout-seconds=300',
      ]),
      {
        maxInFlight: 16,
        maxConnections: 100,
        headersTimeoutMs: 3000,
        requestTimeoutMs: 3000,
        keepAliveTimeoutMs: 300_000,
      },
    );
    assert.equal(limits(['--webhook-request-timeout-seconds=20'])?.headersTimeoutMs, 5000);
  });

  it('refuses bad values, naming the flag and the fix', () => {
    assert.throws(
      () => parse(['--webhook-max-in-flight=0']),
      /--webhook-max-in-flight: "0" is not allowed; give the number of reviews .* from 1 to 10000/,
    );
    assert.throws(() => parse(['--webhook-max-in-flight=many']), /--webhook-max-in-flight: "many"/);
    assert.throws(
      () => parse(['--webhook-max-connections=']),
      /--webhook-max-connections: "" is not allowed/,
    );
    assert.throws(
      () => parse(['--webhook-max-connections=64']),
      /--webhook-max-connections: 64 must exceed --webhook-max-in-flight \(64\).*raise it or lower --webhook-max-in-flight/,
    );
    assert.throws(
      () => parse(['--webhook-request-timeout-seconds=2.5']),
      /--webhook-request-timeout-seconds: "2.5" is not allowed; .* from 1 to 60/,
    );
    assert.throws(
      () => parse(['--webhook-keep-alive-timeout-seconds=0']),
      /--webhook-keep-alive-timeout-seconds: "0" is not allowed; .*more than the apiserver's 90/,
    );
  });
});

describe('webhook client authentication options', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  const client = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const webhook = webhookOf(argv, env);
    return { file: webhook.clientCaFile, names: webhook.clientNames };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'client-ca-options-'));
    const [a, b] = await Promise.all([createCertificateAuthority('a'), createCertificateAuthority('b')]);
    writeFileSync(path('ca.crt'), a.pem.cert + b.pem.cert);
    writeFileSync(path('empty.crt'), '');
    writeFileSync(path('key-only.pem'), a.pem.key);
    writeFileSync(
      path('garbage.crt'),
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the CA bundle by flag or WEBHOOK_CLIENT_CA_FILE, and the accepted names', () => {
    assert.deepEqual(client([`--webhook-client-ca-file=${path('ca.crt')}`]), {
      file: path('ca.crt'),
      names: [],
    });
    assert.deepEqual(client([], { WEBHOOK_CLIENT_CA_FILE: path('ca.crt') }), {
      file: path('ca.crt'),
      names: [],
    });
    assert.deepEqual(
      client([`--webhook-client-ca-file=${path('ca.crt')}`, '--webhook-client-names=apiserver, apiserver-2']),
      { file: path('ca.crt'), names: ['apiserver', 'apiserver-2'] },
    );
  });

  it('ignores the CA when webhooks are off', () => {
    assert.equal(parse(['--enable-webhooks=false', '--webhook-client-ca-file=/nowhere']).webhook, false);
  });

  it('refuses an unreadable or certificate-less bundle, naming the flag and the fix', () => {
    const fix = /mount the PEM CA bundle .* or drop the flag/;
    for (const [file, problem] of [
      [path('missing.crt'), /cannot read .*missing\.crt: ENOENT/],
      [dir, /cannot read .*EISDIR/],
      [path('empty.crt'), /empty\.crt holds no PEM certificate/],
      [path('key-only.pem'), /key-only\.pem holds no PEM certificate/],
      [path('garbage.crt'), /garbage\.crt certificate 1 of 1 does not parse/],
    ] as const) {
      assert.throws(
        () => parse([`--webhook-client-ca-file=${file}`]),
        (error: Error) => {
          assert.match(error.message, /^--webhook-client-ca-file: /);
          assert.match(error.message, problem);
          assert.match(error.message, fix);
          return true;
        },
      );
      assert.throws(
        () => parse([], { WEBHOOK_CLIENT_CA_FILE: file }),
        /^OptionsError: --webhook-client-ca-file: /,
      );
    }
    assert.throws(() => parse(['--webhook-client-ca-file=']), /--webhook-client-ca-file: give the path/);
  });

  it('refuses names without a CA, and empty names', () => {
    assert.throws(
      () => parse(['--webhook-client-names=apiserver']),
      /--webhook-client-names: needs --webhook-client-ca-file/,
    );
    assert.throws(
      () => parse([`--webhook-client-ca-file=${path('ca.crt')}`, '--webhook-client-names=a,,b']),
      /--webhook-client-names: "a,,b" has an empty name/,
    );
  });
});

describe('metrics options', () => {
  it('serves plain metrics on 8080 by default (local runs)', () => {
    const options = parse([]);
    assert.equal(options.metricsPort, 8080);
    assert.equal(options.metricsSecure, false);
  });

  it('turns authenticated HTTPS metrics on with --metrics-secure, bare or =true', () => {
    assert.equal(parse(['--metrics-secure=true', '--metrics-port=8443']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure', '--metrics-port=8443']).metricsSecure, true);
    assert.equal(parse(['--metrics-secure=false']).metricsSecure, false);
    assert.equal(parse(['--metrics-secure', 'false']).metricsSecure, false);
  });

  it('refuses bad values, naming the flag and the fix', () => {
    assert.throws(
      () => parse(['--metrics-secure=yes']),
      /--metrics-secure: "yes" is not a boolean; use true or false/,
    );
    assert.throws(() => parse(['--metrics-port=https']), /--metrics-port: "https" is not a port/);
  });
});

describe('leader election identity', () => {
  it('is unset by default, so the elector picks <hostname>_<uuid>', () => {
    assert.equal(parse([]).leaderElectionId, undefined);
  });

  it('comes from --leader-election-id, else POD_NAME (the flag wins)', () => {
    assertFlagThenEnv('leaderElectionId', 'leader-election-id', 'POD_NAME', 'quota-7d9f-abcde', 'replica-a');
  });

  it('refuses an empty or overlong identity, naming the flag', () => {
    assert.throws(() => parse(['--leader-election-id=']), /^OptionsError: --leader-election-id: "" is not/);
    assert.throws(() => parse([], { POD_NAME: ' ' }), /--leader-election-id: " " is not an identity/);
    assert.throws(() => parse([`--leader-election-id=${'x'.repeat(254)}`]), /at most 253 characters/);
  });
});

describe('parent context', () => {
  it('is unsupported unless --parent-context or PARENT_CONTEXT says this-cluster or members (the flag wins)', () => {
    assert.equal(parse([]).parentContext, 'unsupported');
    assertFlagThenEnv('parentContext', 'parent-context', 'PARENT_CONTEXT', 'members', 'unsupported');
    assertFlagThenEnv('parentContext', 'parent-context', 'PARENT_CONTEXT', 'this-cluster', 'unsupported');
  });

  it('refuses anything else, naming the flag and the three modes', () => {
    assert.throws(
      () => parse(['--parent-context=parent']),
      /--parent-context: "parent" is not a mode; use unsupported .*, this-cluster .* or members/,
    );
  });

  it('reads --context-consumer-labels without the webhook too (members stand for contexts by it)', () => {
    const rules = parse([
      '--enable-webhooks=false',
      '--context-consumer-labels=example.com/team=example.com/Team',
    ]).contextConsumerRules;
    assert.deepEqual(rules, [{ label: 'example.com/team', apiGroup: 'example.com', kind: 'Team' }]);
  });
});

describe('bucket placement', () => {
  it('is default unless --bucket-placement or BUCKET_PLACEMENT says milo (the flag wins)', () => {
    assert.equal(parse([]).bucketPlacement, 'default');
    assertFlagThenEnv('bucketPlacement', 'bucket-placement', 'BUCKET_PLACEMENT', 'milo', 'default');
  });

  it('refuses an unknown placement, and milo with an expression, naming the flag and the fix', () => {
    assert.throws(
      () => parse(['--bucket-placement=upstream']),
      /--bucket-placement: "upstream" is not a placement; use default .* or milo/,
    );
    assert.throws(
      () => parse(['--bucket-placement=milo', '--bucket-namespace-expression="x"']),
      /--bucket-placement: milo sets the bucket namespaces itself; drop --bucket-namespace-expression/,
    );
    assert.equal(parse(['--bucket-namespace-expression="x"']).bucketNamespaceExpression, '"x"');
  });
});

describe('tracing options', () => {
  const ENDPOINT = 'http://otel-collector.observability:4318/v1/traces';

  it('is off by default: no tracing settings at all', () => {
    assert.equal('tracing' in parse([]), false);
    assert.equal('tracing' in parse(['--tracing-endpoint=']), false);
  });

  it('sends to --tracing-endpoint (else TRACING_ENDPOINT), sampling every trace unless told', () => {
    assert.deepEqual(parse([`--tracing-endpoint=${ENDPOINT}`]).tracing, {
      endpoint: ENDPOINT,
      sampleRatio: 1,
    });
    assert.deepEqual(parse([], { TRACING_ENDPOINT: ENDPOINT, TRACING_SAMPLE_RATIO: '0.25' }).tracing, {
      endpoint: ENDPOINT,
      sampleRatio: 0.25,
    });
    assert.deepEqual(
      parse([`--tracing-endpoint=${ENDPOINT}`, '--tracing-sample-ratio=0'], { TRACING_ENDPOINT: 'http://x' })
        .tracing,
      { endpoint: ENDPOINT, sampleRatio: 0 },
    );
  });

  it('refuses bad values, naming the flag and the fix', () => {
    const cases: [string[], RegExp][] = [
      [['--tracing-endpoint=otel-collector:4318'], /--tracing-endpoint: .*not an http\(s\) URL.*OTLP\/HTTP/],
      [['--tracing-endpoint=grpc://collector:4317'], /--tracing-endpoint: .*http\(s\)/],
      [
        [`--tracing-endpoint=${ENDPOINT}`, '--tracing-sample-ratio=1.5'],
        /--tracing-sample-ratio: .*from 0 to 1/,
      ],
      [
        [`--tracing-endpoint=${ENDPOINT}`, '--tracing-sample-ratio=half'],
        /--tracing-sample-ratio: .*from 0 to 1/,
      ],
      [
        [`--tracing-endpoint=${ENDPOINT}`, '--tracing-sample-ratio='],
        /--tracing-sample-ratio: .*from 0 to 1/,
      ],
      [['--tracing-sample-ratio=0.5'], /--tracing-sample-ratio: needs --tracing-endpoint/],
    ];
    for (const [argv, message] of cases) assert.throws(() => parse(argv), message, argv.join(' '));
  });

  it('member clusters: off by default; --enable-members needs the host members reach, and refuses bad ones', () => {
    assert.equal(parse([]).members, undefined);
    assert.deepEqual(parse(['--enable-members', '--member-webhook-host=quota.example.com']).members, {
      webhookHost: 'quota.example.com',
    });
    assert.deepEqual(parse(['--enable-members', '--enable-webhooks=false']).members, {
      webhookHost: undefined,
    });
    assert.throws(
      () => parse(['--enable-members']),
      /^OptionsError: --member-webhook-host: is required with --enable-members/,
    );
    assert.throws(
      () => parse(['--member-webhook-host=quota.example.com']),
      /^OptionsError: --member-webhook-host: is only used with --enable-members/,
    );
    assert.throws(
      () => parse(['--enable-members', '--member-webhook-host=https://quota.example.com:443']),
      /--member-webhook-host: "https:\/\/quota.example.com:443" is not a host name or IP address/,
    );
    assert.throws(() => parse(['--enable-members=maybe']), /--enable-members: "maybe" is not a boolean/);
  });
});
