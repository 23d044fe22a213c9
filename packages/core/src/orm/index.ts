/*
 * Public surface of core's ORM layer (session, states, identity map).
 */
export { inspect } from './state/inspect';
export type { InstanceInspection } from './state/inspect';
export type { ObjectStatus } from './state/instance-state';
