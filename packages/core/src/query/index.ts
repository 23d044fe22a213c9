/*
 * Public surface of core's query layer.
 */
export {};
