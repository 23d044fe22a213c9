/*
 * Exact-type assertions for the type tests: `type _ = Expect<Equal<A, B>>` compiles only
 * when A and B are the same type (not merely assignable either way).
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type Expect<T extends true> = T;
/** Marks a value as used, so a test can hold results without lint noise. */
export function use(..._values: unknown[]): void {}
