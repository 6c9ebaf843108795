import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The repository's proto/ directory (libs/grpc/{src,dist} -> ../../../proto), or ZKSEQ_PROTO_DIR. */
export function protoDir(): string {
  return process.env.ZKSEQ_PROTO_DIR ?? join(__dirname, '../../../proto');
}

/** Loads proto/<file> with the options every zkseq service and client share: bytes as Buffer, 64-bit ints as numbers. */
export function loadProto(file: string): grpc.GrpcObject {
  const def = protoLoader.loadSync(join(protoDir(), file), { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  return grpc.loadPackageDefinition(def);
}

/** Looks up a service constructor such as `zkseq.hashdb.v1.HashDb` in a loaded proto. */
export function serviceConstructor(pkg: grpc.GrpcObject, path: string): grpc.ServiceClientConstructor {
  let cur: unknown = pkg;
  for (const part of path.split('.')) cur = (cur as Record<string, unknown>)[part];
  if (typeof cur !== 'function') throw new Error(`${path} is not a service in the loaded proto`);
  return cur as grpc.ServiceClientConstructor;
}

/** A client of proto/<file>'s service at `address` (insecure: the services talk over the private network). */
export function connect(file: string, service: string, address: string, maxMessageBytes = 64 * 1024 * 1024): grpc.Client {
  const Ctor = serviceConstructor(loadProto(file), service);
  return new Ctor(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });
}
