// The public API of @failmine/training: add an export only when another package needs it.
export {};
