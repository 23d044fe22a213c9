/*
 * Public surface of core's schema layer.
 */
export {};
