import { encodeVarint, ProtoWriter } from './proto-writer';

describe(encodeVarint.name, () => {
  it('writes seven bits a byte, low bits first, with a continuation bit', () => {
    expect([...encodeVarint(0)]).toEqual([0]);
    expect([...encodeVarint(1)]).toEqual([1]);
    expect([...encodeVarint(127)]).toEqual([0x7f]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(2 ** 32)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
  });

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect([...encodeVarint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect([...encodeVarint(-2n)]).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('refuses a number that is not a safe integer', () => {
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 60)).toThrow(RangeError);
  });
});

describe(ProtoWriter.name, () => {
  it('tags each field with its number and wire type', () => {
    const bytes = new ProtoWriter().int(1, 150).string(2, 'ab').float(3, 1).finish();
    expect([...bytes]).toEqual([0x08, 0x96, 0x01, 0x12, 2, 0x61, 0x62, 0x1d, 0x00, 0x00, 0x80, 0x3f]);
  });

  it('writes repeated fields as one tagged element each', () => {
    expect([...new ProtoWriter().ints(8, [1, 2]).finish()]).toEqual([0x40, 1, 0x40, 2]);
    expect([...new ProtoWriter().floats(7, [0.5]).finish()]).toEqual([0x3d, 0x00, 0x00, 0x00, 0x3f]);
  });

  it('nests a message as a length-delimited field', () => {
    const bytes = new ProtoWriter().message(7, (m) => m.int(1, 3).string(2, 'x')).finish();
    expect([...bytes]).toEqual([0x3a, 5, 0x08, 3, 0x12, 1, 0x78]);
  });

  it('writes a long field length as a varint', () => {
    const bytes = new ProtoWriter().bytes(9, new Uint8Array(200)).finish();
    expect([...bytes.slice(0, 3)]).toEqual([0x4a, 0xc8, 0x01]);
    expect(bytes.length).toBe(203);
  });
});
