/*
 * Public surface of core's types layer.
 */
export {};
