// The public API of @failmine/problems: add an export only when another package needs it.
export {};
