// Public surface of the controllers: the setup function the operator calls, and what tests need to reach.

export { type QuotaCaches, quotaResource, RESOURCES } from './resources.ts';
export { type QuotaControllerOptions, setupQuotaControllers } from './setup.ts';
export { FIELD_MANAGER } from './status-writer.ts';
