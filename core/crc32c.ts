// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-8. Wasm has no CRC
// instruction, so eight 1 KiB tables are the fastest portable form.
const T: usize = memory.data(8 * 256 * 4, 64);

export function crcInit(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
    store<u32>(T + (<usize>i << 2), c);
  }
  for (let i: u32 = 0; i < 256; i++) {
    let c = load<u32>(T + (<usize>i << 2));
    for (let t: u32 = 1; t < 8; t++) {
      c = load<u32>(T + ((<usize>(c & 0xFF)) << 2)) ^ (c >>> 8);
      store<u32>(T + (<usize>(t * 256 + i) << 2), c);
    }
  }
}

@inline function tab(t: u32, b: u32): u32 { return load<u32>(T + (<usize>((t << 8) | b) << 2)); }

// Continues a CRC: pass 0xFFFFFFFF to start, XOR the result with 0xFFFFFFFF to finish.
export function crcUpdate(crc: u32, p: usize, len: u32): u32 {
  let c = crc;
  while (len >= 8) {
    const a = load<u32>(p) ^ c;
    const b = load<u32>(p, 4);
    c = tab(7, a & 0xFF) ^ tab(6, (a >>> 8) & 0xFF) ^ tab(5, (a >>> 16) & 0xFF) ^ tab(4, a >>> 24) ^
        tab(3, b & 0xFF) ^ tab(2, (b >>> 8) & 0xFF) ^ tab(1, (b >>> 16) & 0xFF) ^ tab(0, b >>> 24);
    p += 8; len -= 8;
  }
  while (len > 0) { c = tab(0, (c ^ <u32>load<u8>(p)) & 0xFF) ^ (c >>> 8); p++; len--; }
  return c;
}

export function crc32c(p: usize, len: u32): u32 { return crcUpdate(0xFFFFFFFF, p, len) ^ 0xFFFFFFFF; }
