// The names libiscsi's tools print for SPC-4 codes, so that our lines read as theirs do.
const DEVICE_TYPES: Record<number, string> = {
  0x00: 'DIRECT_ACCESS',
  0x01: 'SEQUENTIAL_ACCESS',
  0x02: 'PRINTER',
  0x03: 'PROCESSOR',
  0x04: 'WRITE_ONCE',
  0x05: 'MMC',
  0x06: 'SCANNER',
  0x07: 'OPTICAL_MEMORY',
  0x08: 'MEDIA_CHANGER',
  0x09: 'COMMUNICATIONS',
  0x0c: 'STORAGE_ARRAY_CONTROLLER',
  0x0d: 'ENCLOSURE_SERVICES',
  0x0e: 'SIMPLIFIED_DIRECT_ACCESS',
  0x0f: 'OPTICAL_CARD_READER',
  0x10: 'BRIDGE_CONTROLLER',
  0x11: 'OSD',
  0x12: 'AUTOMATION',
  0x13: 'SEQURITY_MANAGER', // sic: libiscsi's spelling, kept so output compares equal
  0x1e: 'WELL_KNOWN_LUN',
  0x1f: 'UNKNOWN',
};
const QUALIFIERS: Record<number, string> = { 0: 'CONNECTED', 1: 'DISCONNECTED', 3: 'NOT_SUPPORTED' };
const VERSIONS: Record<number, string> = {
  3: 'ANSI INCITS 301-1997 (SPC)',
  4: 'ANSI INCITS 351-2001 (SPC-2)',
  5: 'ANSI INCITS 408-2005 (SPC-3)',
};
const VERSION_DESCRIPTORS: Record<number, string> = {
  0x0960: 'iSCSI',
  0x0180: 'SBC',
  0x019c: 'SBC ANSI INCITS 306-1998',
  0x019b: 'SBC T10/0996-D revision 08c',
  0x0320: 'SBC-2',
  0x033e: 'SBC-2 ISO/IEC 14776-322',
  0x033d: 'SBC-2 ANSI INCITS 405-2005',
  0x033b: 'SBC-2 T10/1417-D revision 16',
  0x0322: 'SBC-2 T10/1417-D revision 5A',
  0x0324: 'SBC-2 T10/1417-D revision 15',
  0x04c0: 'SBC-3',
  0x0120: 'SPC',
  0x013c: 'SPC ANSI INCITS 301-1997',
  0x013b: 'SPC T10/0995-D revision 11a',
  0x0260: 'SPC-2',
  0x0278: 'SPC-2 ISO.IEC 14776-452',
  0x0277: 'SPC-2 ANSI INCITS 351-2001',
  0x0276: 'SPC-2 T10/1236-D revision 20',
  0x0267: 'SPC-2 T10/1236-D revision 12',
  0x0269: 'SPC-2 T10/1236-D revision 18',
  0x0275: 'SPC-2 T10/1236-D revision 19',
  0x0300: 'SPC-3',
  0x0316: 'SPC-3 ISO/IEC 14776-453',
  0x0314: 'SPC-3 ANSI INCITS 408-2005',
  0x0301: 'SPC-3 T10/1416-D revision 7',
  0x0307: 'SPC-3 T10/1416-D revision 21',
  0x030f: 'SPC-3 T10/1416-D revision 22',
  0x0312: 'SPC-3 T10/1416-D revision 23',
  0x0460: 'SPC-4',
  0x0461: 'SPC-4 T10/1731-D revision 16',
  0x0462: 'SPC-4 T10/1731-D revision 18',
  0x0463: 'SPC-4 T10/1731-D revision 23',
  0x0200: 'SSC',
  0x1747: 'UAS T10/2095-D revision 04',
};
const VPD_PAGES: Record<number, string> = {
  0x00: 'SUPPORTED_VPD_PAGES',
  0x80: 'UNIT_SERIAL_NUMBER',
  0x83: 'DEVICE_IDENTIFICATION',
  0xb0: 'BLOCK_LIMITS',
  0xb1: 'BLOCK_DEVICE_CHARACTERISTICS',
  0xb2: 'LOGICAL_BLOCK_PROVISIONING',
};

export const deviceTypeName = (t: number) => DEVICE_TYPES[t] ?? 'unknown';
export const qualifierName = (q: number) => QUALIFIERS[q] ?? 'unknown';
export const versionName = (v: number) => VERSIONS[v] ?? 'unknown';
export const versionDescriptorName = (d: number) => VERSION_DESCRIPTORS[d] ?? 'unknown';
export const vpdPageName = (p: number) => VPD_PAGES[p] ?? 'unknown';
