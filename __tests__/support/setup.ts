import { expect } from "vitest";
import { Testing } from "cdktf";

// cdktf's matchers register themselves on a global `expect`; vitest's is compatible.
(globalThis as { expect?: unknown }).expect = expect;
Testing.setupJest();
