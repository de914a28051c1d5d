import { describe, expect, test } from "vitest";
import { DataError, ValueError, tensor, zeros } from "@tsgrad/core";
import { isInt64, markInt64, parseSafetensors, serializeSafetensors } from "@tsgrad/nn";

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u64 = (n: number): number[] => [
  n & 255,
  (n >> 8) & 255,
  (n >> 16) & 255,
  n >>> 24,
  0,
  0,
  0,
  0,
];

/** A file from a header string (padded as given) and raw data bytes. */
function file(header: string, data: number[] = []): Uint8Array {
  return Uint8Array.from([...u64(header.length), ...ascii(header), ...data]);
}

describe("golden file assembled by hand from the specification", () => {
  // Six tensors in an order, spacing and layout another writer might choose.
  const header =
    '{"d": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}, ' +
    '"__metadata__": {"format": "pt", "note": "h\\u00e9"}, ' +
    '"b": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]}, ' +
    '"a": {"dtype": "F32", "shape": [2], "data_offsets": [16, 24]}, ' +
    '"e": {"dtype": "I32", "shape": [1, 2], "data_offsets": [24, 32]}, ' +
    '"z": {"dtype": "F32", "shape": [2, 0], "data_offsets": [32, 32]}, ' +
    '"c": {"dtype": "BOOL", "shape": [3], "data_offsets": [32, 35]}}   ';
  const data = [
    ...[0, 0, 0, 0, 0, 0, 0xe0, 0x3f], // d = 0.5 (F64 0x3FE0000000000000)
    ...[0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // b = −3 (I64)
    ...[0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0], // a = [1, −2.5] (F32 0x3F800000, 0xC0200000)
    ...[7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], // e = [[7, −1]] (I32)
    ...[1, 0, 1], // c = [true, false, true]
  ];

  test("every tensor, dtype, shape and the metadata are read", () => {
    const f = parseSafetensors(file(header, data), "golden.safetensors");
    expect(Object.keys(f.tensors)).toEqual(["d", "b", "a", "e", "z", "c"]);
    expect(f.metadata).toEqual({ format: "pt", note: "hé" });
    expect(f.dtypes).toEqual({ d: "F64", b: "I64", a: "F32", e: "I32", z: "F32", c: "BOOL" });
    const { a, b, c, d, e, z } = f.tensors;
    expect([d!.dtype, d!.shape, d!.toArray()]).toEqual(["float64", [1], [0.5]]);
    expect([b!.dtype, b!.shape, b!.item()]).toEqual(["int32", [], -3]);
    expect([a!.dtype, a!.toArray()]).toEqual(["float32", [1, -2.5]]);
    expect([e!.dtype, e!.toArray()]).toEqual(["int32", [[7, -1]]]);
    expect([z!.shape, z!.numel()]).toEqual([[2, 0], 0]);
    expect([c!.dtype, c!.toArray()]).toEqual(["bool", [true, false, true]]);
    expect(isInt64(b!)).toBe(true);
    expect(isInt64(e!)).toBe(false);
  });
});

describe("writer bytes", () => {
  test("a small dict serialises to exactly the bytes the specification gives", () => {
    const steps = markInt64(tensor(new Int32Array([5]), { shape: [] }));
    const bytes = serializeSafetensors(
      { w: tensor([1, -2.5]), n: steps, m: tensor([true, false]) },
      { k: "v" },
    );
    // header in the given order; data with 8-byte dtypes first, then 4-byte, then BOOL
    const json =
      '{"__metadata__":{"k":"v"},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},' +
      '"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},' +
      '"m":{"dtype":"BOOL","shape":[2],"data_offsets":[16,18]}}';
    expect(json.length).toBe(188);
    const padded = json + " ".repeat(4); // 192 = 24 × 8: data starts 8-byte aligned
    const expected = [
      ...[192, 0, 0, 0, 0, 0, 0, 0],
      ...ascii(padded),
      ...[5, 0, 0, 0, 0, 0, 0, 0], // n = 5 as I64
      ...[0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0], // w
      ...[1, 0], // m
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  test("int32 tensors are I32 unless marked int64 or int64 is requested; negatives sign-extend", () => {
    const t = tensor(new Int32Array([-2]));
    const plain = parseSafetensors(serializeSafetensors({ t }));
    expect(plain.dtypes.t).toBe("I32");
    const wide = serializeSafetensors({ t }, null, { int64: true });
    expect(Array.from(wide.subarray(-8))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const back = parseSafetensors(wide);
    expect([back.dtypes.t, back.tensors.t!.toArray()]).toEqual(["I64", [-2]]);
    // read from I64 → written back as I64 by default
    expect(parseSafetensors(serializeSafetensors(back.tensors)).dtypes.t).toBe("I64");
    expect(
      parseSafetensors(serializeSafetensors(back.tensors, null, { int64: false })).dtypes.t,
    ).toBe("I32");
  });

  test("round-trips float64, 0-d, empty, non-contiguous views and odd names", () => {
    const base = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64" },
    );
    const tensors = {
      "x.t": base.t(), // a transposed view is written in row-major order of its shape
      scalar: tensor(3.25),
      empty: zeros([0, 4]),
      ["__proto__"]: tensor([7]),
      "ünï cödé": tensor([true]),
    };
    const f = parseSafetensors(serializeSafetensors(new Map(Object.entries(tensors))));
    expect(f.tensors["x.t"]!.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(f.tensors["x.t"]!.dtype).toBe("float64");
    expect([f.tensors.scalar!.shape, f.tensors.scalar!.item()]).toEqual([[], 3.25]);
    expect(f.tensors.empty!.shape).toEqual([0, 4]);
    expect(Object.getOwnPropertyDescriptor(f.tensors, "__proto__")?.value.toArray()).toEqual([7]);
    expect(f.tensors["ünï cödé"]!.toArray()).toEqual([true]);
  });

  test("bad arguments are ValueErrors", () => {
    expect(() => serializeSafetensors({ a: tensor([1]) }, { k: 1 as unknown as string })).toThrow(
      ValueError,
    );
    expect(() => serializeSafetensors({ __metadata__: tensor([1]) })).toThrow(/reserved/);
    expect(() => serializeSafetensors({ a: [1] as unknown as ReturnType<typeof tensor> })).toThrow(
      /'a' is not a Tensor/,
    );
  });
});

describe("corrupt, truncated and hostile files are DataErrors naming the file and problem", () => {
  const entry = (dtype: string, shape: string, offsets: string): string =>
    `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
  const one = (e: string): string => `{"t":${e}}`;
  const f32pair = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40];

  const cases: [string, Uint8Array, RegExp][] = [
    [
      "shorter than the length prefix",
      Uint8Array.from([1, 2, 3]),
      /too short for the 8-byte header length/,
    ],
    [
      "header length past the end",
      Uint8Array.from([...u64(1000), ...ascii("{}")]),
      /header length 1000 exceeds the 2 bytes/,
    ],
    [
      "header length of 2^40",
      Uint8Array.from([0, 0, 0, 0, 0, 1, 0, 0, ...ascii("{}")]),
      /header length 1099511627776 exceeds/,
    ],
    ["bad JSON", file('{"t": {"dtype": "F32",'), /header is not valid JSON/],
    ["a header that is not a JSON object", file("[1,2]"), /header does not start with '\{'/],
    ["invalid UTF-8", Uint8Array.from([...u64(4), 0x7b, 0xff, 0xfe, 0x7d]), /not valid UTF-8/],
    [
      "an unknown dtype",
      file(one(entry("F16", "[2]", "[0,4]")), [0, 0, 0, 0]),
      /tensor 't' has unsupported dtype "F16" \(supported: F64, I64, F32, I32, BOOL\)/,
    ],
    [
      "a shape/size mismatch",
      file(one(entry("F32", "[3]", "[0,8]")), f32pair),
      /needs 12 bytes but data_offsets \[0, 8\] span 8/,
    ],
    ["a negative dim", file(one(entry("F32", "[-2]", "[0,8]")), f32pair), /invalid shape \[-2\]/],
    [
      "a fractional dim",
      file(one(entry("F32", "[1.5]", "[0,8]")), f32pair),
      /invalid shape \[1.5\]/,
    ],
    [
      "a dim given as a string",
      file(one(entry("F32", '["2"]', "[0,8]")), f32pair),
      /invalid shape/,
    ],
    [
      "huge dims",
      file(one(entry("F32", "[4294967296,4294967296]", "[0,8]")), f32pair),
      /too many elements/,
    ],
    [
      "dims whose size exceeds the file",
      file(one(entry("F32", "[1000000,1000000]", "[0,8]")), f32pair),
      /needs 4000000000000 bytes/,
    ],
    [
      "offsets past the data",
      file(one(entry("F32", "[4]", "[0,16]")), f32pair),
      /past the end of the 8-byte data buffer/,
    ],
    ["offsets with end < begin", file(one(entry("F32", "[0]", "[8,0]")), f32pair), /end < begin/],
    [
      "offsets that are not two integers",
      file(one(entry("F32", "[2]", "[0,8,9]")), f32pair),
      /invalid data_offsets \[0,8,9\]/,
    ],
    [
      "overlapping tensors",
      file(`{"a":${entry("F32", "[2]", "[0,8]")},"b":${entry("F32", "[2]", "[4,12]")}}`, [
        ...f32pair,
        0,
        0,
        0,
        0,
      ]),
      /tensor 'b' at \[4, 12\] overlaps tensor 'a'/,
    ],
    [
      "a duplicated region",
      file(`{"a":${entry("F32", "[2]", "[0,8]")},"b":${entry("F32", "[2]", "[0,8]")}}`, f32pair),
      /overlaps/,
    ],
    [
      "a hole between tensors",
      file(`{"a":${entry("F32", "[1]", "[0,4]")},"b":${entry("F32", "[0]", "[8,8]")}}`, f32pair),
      /bytes \[4, 8\) of the data buffer belong to no tensor/,
    ],
    [
      "trailing bytes",
      file(one(entry("F32", "[1]", "[0,4]")), f32pair),
      /bytes \[4, 8\) of the data buffer belong to no tensor/,
    ],
    ["an entry that is not an object", file('{"t":[1,2]}'), /entry 't' is not an object/],
    [
      "non-string metadata",
      file('{"__metadata__":{"epoch":3}}'),
      /__metadata__ must map strings to strings/,
    ],
    [
      "an I64 outside the int32 range",
      file(one(entry("I64", "[1]", "[0,8]")), [0, 0, 0, 0x80, 0, 0, 0, 0]),
      /holds 2147483648 at flat index 0, outside the int32 range/,
    ],
  ];

  test.each(cases)("%s", (_, bytes, message) => {
    let error: unknown;
    try {
      parseSafetensors(bytes, "model.safetensors");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/^invalid safetensors file 'model.safetensors': /);
    expect((error as Error).message).toMatch(message);
  });

  test("a valid file truncated anywhere is rejected", () => {
    const bytes = serializeSafetensors({
      w: tensor([
        [1, 2],
        [3, 4],
      ]),
      n: tensor(new Int32Array([1])),
    });
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => parseSafetensors(bytes.subarray(0, cut), "cut.safetensors")).toThrow(DataError);
    }
    expect(parseSafetensors(bytes).tensors.w!.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
