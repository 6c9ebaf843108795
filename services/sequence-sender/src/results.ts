import { DeliverPolicy, type JetStreamClient } from 'nats';
import { decode, streams, subjects, type L1TxResult, type Namespace } from '@zkseq/messaging';

/**
 * Reads `l1tx.result.<owner>` from `since` to the end of the stream with a throw-away ordered
 * consumer and hands each result with its stream sequence to `apply`. After a crash the durable
 * consumer may have pushed results to the dead process (redelivered only after its ack wait); this
 * finds them at once.
 */
export async function readResultsSince(js: JetStreamClient, ns: Namespace, owner: string, since: Date, apply: (r: L1TxResult, seq: number) => Promise<void>): Promise<number> {
  const consumer = await js.consumers.get(streams(ns).l1tx, {
    filterSubjects: subjects(ns).l1TxResult(owner),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: since.toISOString(),
  });
  let read = 0;
  for (;;) {
    let got = 0;
    for await (const m of await consumer.fetch({ max_messages: 256, expires: 1000 })) {
      got++;
      await apply(decode<L1TxResult>(m.data), m.seq);
    }
    read += got;
    if (got === 0) return read;
  }
}
