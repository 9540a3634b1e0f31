// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-16. Wasm has no CRC
// instruction; sixteen 1 KiB tables measured ~7 % faster here than eight (bench:crc32c).
const T: usize = memory.data(16 * 256 * 4, 64);

export function crcInit(): void {
  for (let i: u32 = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
    store<u32>(T + (<usize>i << 2), c);
  }
  for (let i: u32 = 0; i < 256; i++) {
    let c = load<u32>(T + (<usize>i << 2));
    for (let t: u32 = 1; t < 16; t++) {
      c = load<u32>(T + ((<usize>(c & 0xFF)) << 2)) ^ (c >>> 8);
      store<u32>(T + (<usize>(t * 256 + i) << 2), c);
    }
  }
}

// Slicing-by-16: table t sits at T + t*1024, so each load's offset is an immediate.
export function crcUpdate(crc: u32, p: usize, len: u32): u32 {
  let c = crc;
  while (len >= 16) {
    const a = load<u32>(p) ^ c, b = load<u32>(p, 4), d = load<u32>(p, 8), e = load<u32>(p, 12);
    c = load<u32>(T + ((<usize>(a & 0xFF)) << 2), 15360) ^ load<u32>(T + ((<usize>((a >>> 8) & 0xFF)) << 2), 14336) ^
        load<u32>(T + ((<usize>((a >>> 16) & 0xFF)) << 2), 13312) ^ load<u32>(T + ((<usize>(a >>> 24)) << 2), 12288) ^
        load<u32>(T + ((<usize>(b & 0xFF)) << 2), 11264) ^ load<u32>(T + ((<usize>((b >>> 8) & 0xFF)) << 2), 10240) ^
        load<u32>(T + ((<usize>((b >>> 16) & 0xFF)) << 2), 9216) ^ load<u32>(T + ((<usize>(b >>> 24)) << 2), 8192) ^
        load<u32>(T + ((<usize>(d & 0xFF)) << 2), 7168) ^ load<u32>(T + ((<usize>((d >>> 8) & 0xFF)) << 2), 6144) ^
        load<u32>(T + ((<usize>((d >>> 16) & 0xFF)) << 2), 5120) ^ load<u32>(T + ((<usize>(d >>> 24)) << 2), 4096) ^
        load<u32>(T + ((<usize>(e & 0xFF)) << 2), 3072) ^ load<u32>(T + ((<usize>((e >>> 8) & 0xFF)) << 2), 2048) ^
        load<u32>(T + ((<usize>((e >>> 16) & 0xFF)) << 2), 1024) ^ load<u32>(T + ((<usize>(e >>> 24)) << 2));
    p += 16; len -= 16;
  }
  while (len > 0) { c = load<u32>(T + ((<usize>((c ^ <u32>load<u8>(p)) & 0xFF)) << 2)) ^ (c >>> 8); p++; len--; }
  return c;
}

export function crc32c(p: usize, len: u32): u32 { return crcUpdate(0xFFFFFFFF, p, len) ^ 0xFFFFFFFF; }
