// The public API of @failmine/report: add an export only when another package needs it.
export {};
