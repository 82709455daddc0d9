/**
 * Op codes of the elementwise kernels, one number per (op, dtype). Mirrored in
 * src/backends/wasm/op-codes.ts; the TypeScript side chooses the code, the kernel switches on it once
 * per block, outside the loops.
 */

// float32 unary
export const NEG: i32 = 0;
export const EXP: i32 = 1;
export const LOG: i32 = 2;
export const SQRT: i32 = 3;
export const RSQRT: i32 = 4;
export const ABS: i32 = 5;
export const SIGN: i32 = 6;
export const TANH: i32 = 7;
export const SIGMOID: i32 = 8;
export const ERF: i32 = 9;
export const RELU: i32 = 10;
export const GELU: i32 = 11;
export const FLOOR: i32 = 12;

// int32 unary
export const I_NEG: i32 = 16;
export const I_ABS: i32 = 17;
export const I_SIGN: i32 = 18;
export const I_RELU: i32 = 19;

// float32 binary
export const ADD: i32 = 32;
export const SUB: i32 = 33;
export const MUL: i32 = 34;
export const DIV: i32 = 35;
export const POW: i32 = 36;
export const MAXIMUM: i32 = 37;
export const MINIMUM: i32 = 38;
export const EQ: i32 = 39;
export const NE: i32 = 40;
export const LT: i32 = 41;
export const LE: i32 = 42;
export const GT: i32 = 43;
export const GE: i32 = 44;

// int32 binary
export const I_ADD: i32 = 48;
export const I_SUB: i32 = 49;
export const I_MUL: i32 = 50;
export const I_MAXIMUM: i32 = 53;
export const I_MINIMUM: i32 = 54;
export const I_EQ: i32 = 55;
export const I_NE: i32 = 56;
export const I_LT: i32 = 57;
export const I_LE: i32 = 58;
export const I_GT: i32 = 59;
export const I_GE: i32 = 60;

// ternary, any 32-bit dtype
export const WHERE: i32 = 64;
