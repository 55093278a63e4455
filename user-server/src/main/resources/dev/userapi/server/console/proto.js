// Protobuf from the .proto files this server serves, with protobufjs (the global `protobuf` from
// /console/vendor/protobuf.min.js) used for what needs no generated code: parsing the .proto into
// reflection objects, and its Reader and Writer for the wire format.
//
// protobufjs would otherwise compile an encoder, a decoder and a constructor per message type with
// `new Function(...)`, which the page's Content-Security-Policy (script-src 'self', no
// 'unsafe-eval') refuses. So every type gets a plain constructor before anything asks for the
// generated one, and the messages are encoded and decoded here by walking the reflection objects.
// Messages are plain objects in the proto3 JSON form: camelCase names, enums by name, 64-bit
// integers as strings, Timestamp as RFC 3339, FieldMask as "a,b", Any as {"@type", ...fields}.

const FILES = [
  'userapi/v1/user_service.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
];

/** Loads the served .proto files; returns the root and each file's text (for the contract panel). */
export async function loadProtos() {
  const pb = window.protobuf;
  const root = new pb.Root();
  const sources = {};
  const bundled = new Set();
  for (const file of FILES) {
    const response = await fetch(`console/proto/${file}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`console/proto/${file}: ${response.status}`);
    const text = await response.text();
    sources[file] = text;
    const parsed = pb.parse(text, root, { keepCase: false });
    for (const imported of parsed.imports || []) {
      if (imported.startsWith('google/protobuf/')) bundled.add(imported);
    }
  }
  // google/protobuf/* ship inside protobufjs (its "common" definitions).
  bundled.add('google/protobuf/any.proto');
  bundled.add('google/protobuf/duration.proto');
  for (const file of bundled) {
    const json = pb.common.get(file);
    if (json) root.addJSON(json.nested);
  }
  plainConstructors(root);
  root.resolveAll();
  return { root, sources };
}

/** Gives every message type a constructor of its own so protobufjs never generates one. */
function plainConstructors(namespace) {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof window.protobuf.Type) {
      nested.ctor = function Message(properties) {
        Object.assign(this, properties);
      };
    }
    if (nested.nestedArray) plainConstructors(nested);
  }
}

const VARINT = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'bool']);
const FIXED64 = new Set(['fixed64', 'sfixed64', 'double']);
const FIXED32 = new Set(['fixed32', 'sfixed32', 'float']);
const LONG = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function wireType(field) {
  if (field.resolvedType instanceof window.protobuf.Enum || VARINT.has(field.type)) return 0;
  if (FIXED64.has(field.type)) return 1;
  if (FIXED32.has(field.type)) return 5;
  return 2;
}

/** Encodes a message (a plain object in the JSON form) of the type into bytes. */
export function encode(type, message) {
  const writer = window.protobuf.Writer.create();
  writeMessage(type, toWire(type, message), writer);
  return writer.finish();
}

function writeMessage(type, message, writer) {
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    if (field.repeated) {
      for (const item of value) writeField(field, item, writer);
    } else if (field.partOf || field.resolvedType instanceof window.protobuf.Type || !isDefault(value)) {
      // A field with presence (optional, oneof, message) is sent when set, even to its default.
      writeField(field, value, writer);
    }
  }
}

function isDefault(value) {
  return value === 0 || value === '' || value === false || value === '0' || (value instanceof Uint8Array && value.length === 0);
}

function writeField(field, value, writer) {
  writer.uint32(((field.id << 3) | wireType(field)) >>> 0);
  if (field.resolvedType instanceof window.protobuf.Type) {
    writer.fork();
    writeMessage(field.resolvedType, value, writer);
    writer.ldelim();
  } else if (field.resolvedType instanceof window.protobuf.Enum) {
    writer.int32(typeof value === 'number' ? value : field.resolvedType.values[value] ?? 0);
  } else {
    writer[field.type](value);
  }
}

/** Decodes bytes into a message of the type, in the JSON form. */
export function decode(type, bytes) {
  return fromWire(type, readMessage(type, window.protobuf.Reader.create(bytes), bytes.length));
}

function readMessage(type, reader, length) {
  const end = reader.pos + length;
  const message = {};
  while (reader.pos < end) {
    const tag = reader.uint32();
    const field = type.fieldsById[tag >>> 3];
    if (!field) {
      reader.skipType(tag & 7);
      continue;
    }
    if (field.repeated && (tag & 7) === 2 && wireType(field) !== 2) {
      // Packed scalars.
      const packedEnd = reader.uint32() + reader.pos;
      const items = message[field.name] || (message[field.name] = []);
      while (reader.pos < packedEnd) items.push(readValue(field, reader));
      continue;
    }
    const value = readValue(field, reader);
    if (field.repeated) (message[field.name] || (message[field.name] = [])).push(value);
    else message[field.name] = value;
  }
  return message;
}

function readValue(field, reader) {
  if (field.resolvedType instanceof window.protobuf.Type) {
    return readMessage(field.resolvedType, reader, reader.uint32());
  }
  if (field.resolvedType instanceof window.protobuf.Enum) {
    const number = reader.int32();
    return field.resolvedType.valuesById[number] ?? number;
  }
  const value = reader[field.type]();
  return LONG.has(field.type) ? String(value) : value;
}

// The JSON form of the well-known types, both ways.

function fromWire(type, message) {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return timestampText(Number(message.seconds || 0), message.nanos || 0);
    case '.google.protobuf.FieldMask':
      return (message.paths || []).map((p) => p.replace(/_([a-z])/g, (m, c) => c.toUpperCase())).join(',');
    case '.google.protobuf.Duration':
      return `${Number(message.seconds || 0) + (message.nanos || 0) / 1e9}s`;
    case '.google.protobuf.Any':
      return anyFromWire(type, message);
    default:
      break;
  }
  const json = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in message)) continue;
    const value = message[field.name];
    const nestedType = field.resolvedType instanceof window.protobuf.Type ? field.resolvedType : null;
    if (!nestedType) json[field.name] = field.type === 'bytes' ? base64(value) : value;
    else if (field.repeated) json[field.name] = value.map((v) => fromWire(nestedType, v));
    else json[field.name] = fromWire(nestedType, value);
  }
  return json;
}

function anyFromWire(type, message) {
  // protobufjs's bundled google/protobuf types keep their snake_case names.
  const url = message.type_url || message.typeUrl || '';
  const name = url.slice(url.lastIndexOf('/') + 1);
  let inner = null;
  try {
    inner = type.root.lookupType(name);
  } catch {
    // An unknown type: shown as bytes.
  }
  if (!(inner instanceof window.protobuf.Type)) return { '@type': url, value: base64(message.value || new Uint8Array()) };
  return { '@type': url, ...decode(inner, message.value || new Uint8Array()) };
}

function toWire(type, json) {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp': {
      const millis = Date.parse(json);
      return { seconds: Math.floor(millis / 1000), nanos: (millis % 1000) * 1e6 };
    }
    case '.google.protobuf.FieldMask': {
      const paths = Array.isArray(json.paths) ? json.paths : String(json).split(',').filter(Boolean);
      return { paths: paths.map((p) => p.trim().replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) };
    }
    default:
      break;
  }
  const message = {};
  for (const field of type.fieldsArray) {
    const value = json[field.name];
    if (value === undefined || value === null) continue;
    const nestedType = field.resolvedType instanceof window.protobuf.Type ? field.resolvedType : null;
    if (!nestedType) message[field.name] = value;
    else if (field.repeated) message[field.name] = value.map((v) => toWire(nestedType, v));
    else message[field.name] = toWire(nestedType, value);
  }
  return message;
}

function timestampText(seconds, nanos) {
  const iso = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  if (!nanos) return iso;
  const fraction = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return iso.replace('Z', `.${fraction}Z`);
}

export function base64(bytes) {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

export function fromBase64(text) {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = normal + '==='.slice((normal.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
