export { renderAdmissionConfiguration, renderWebhookClientKubeconfig } from './admission.ts';
export { kubeBinary } from './binary.ts';
export { Component } from './component.ts';
export {
  ControlPlane,
  type ControlPlaneOptions,
  type KubectlResult,
  startControlPlane,
} from './controlplane.ts';
export { renderKubeconfig } from './kubeconfig.ts';
export {
  type CertificateAuthority,
  createCertificateAuthority,
  issueLeaf,
  type PemPair,
  type Pki,
  WEBHOOK_CLIENT_NAME,
} from './pki.ts';
export { freePort, freePorts } from './ports.ts';
