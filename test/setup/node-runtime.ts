/**
 * Setup of the unit project: what the Workers runtime has and Node lacks, for the pure code
 * under test. `crypto.subtle.timingSafeEqual` is a Workers extension of WebCrypto
 * (src/core/hashing.ts compares digests with it); Node's own `timingSafeEqual` is the same
 * comparison, and throws on buffers of different lengths as the Workers one does.
 */
import { timingSafeEqual } from "node:crypto";

type Bytes = ArrayBuffer | ArrayBufferView;
const view = (b: Bytes) => (ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b));
const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: Bytes, b: Bytes) => boolean };
subtle.timingSafeEqual ??= (a, b) => timingSafeEqual(view(a), view(b));
