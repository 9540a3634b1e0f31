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

// Table t of the eight sits at T + t*1024: the offset is an immediate in each load.
export function crcUpdate(crc: u32, p: usize, len: u32): u32 {
  let c = crc;
  while (len >= 8) {
    const a = load<u32>(p) ^ c;
    const b = load<u32>(p, 4);
    c = load<u32>(T + ((<usize>(a & 0xFF)) << 2), 7168) ^ load<u32>(T + ((<usize>((a >>> 8) & 0xFF)) << 2), 6144) ^
        load<u32>(T + ((<usize>((a >>> 16) & 0xFF)) << 2), 5120) ^ load<u32>(T + ((<usize>(a >>> 24)) << 2), 4096) ^
        load<u32>(T + ((<usize>(b & 0xFF)) << 2), 3072) ^ load<u32>(T + ((<usize>((b >>> 8) & 0xFF)) << 2), 2048) ^
        load<u32>(T + ((<usize>((b >>> 16) & 0xFF)) << 2), 1024) ^ load<u32>(T + ((<usize>(b >>> 24)) << 2));
    p += 8; len -= 8;
  }
  while (len > 0) { c = load<u32>(T + ((<usize>((c ^ <u32>load<u8>(p)) & 0xFF)) << 2)) ^ (c >>> 8); p++; len--; }
  return c;
}

export function crc32c(p: usize, len: u32): u32 { return crcUpdate(0xFFFFFFFF, p, len) ^ 0xFFFFFFFF; }
