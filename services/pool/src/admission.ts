import { CodedError, PoolErrorCode } from '@zkseq/errors';
import type { AddRejection, Hex, PoolDb } from '@zkseq/pooldb';
import type { AccountStateReader } from './account-state';
import { checkStateless, type CheckedTx, type StatelessRules } from './validate';

/** Optional pre-execution: throws a CodedError (e.g. OutOfCounters) when the tx could never fit a batch. */
export type PreExecutor = (tx: CheckedTx, root: Hex, accountNonce: bigint) => Promise<void>;

export type AdmissionDeps = {
  pool: PoolDb;
  accounts: AccountStateReader;
  /** The latest state root, or null before genesis. */
  latestRoot: () => Promise<Hex | null>;
  rules: StatelessRules;
  preExecute?: PreExecutor;
  now?: () => number;
};

export type Admitted = { hash: Hex; from: Hex; nonce: number; gasPrice: bigint; replaced: Hex | null };

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/**
 * Admission of one raw transaction: stateless checks, then the state checks at the latest root
 * (sender is an EOA, nonce not below the account nonce, balance covers value + gas × price),
 * optional pre-execution, then the atomic pool DB insert (blocked list, already known, nonce
 * window, replacement bump, limits). Every rejection is a CodedError with a PoolErrorCode.
 */
export async function admit(rawHex: string, deps: AdmissionDeps): Promise<Admitted> {
  if (typeof rawHex !== 'string' || !HEX_RE.test(rawHex) || rawHex.length < 4) {
    throw new CodedError(PoolErrorCode.InvalidRlp, 'invalid rlp: raw transaction must be non-empty 0x-prefixed hex bytes');
  }
  const tx = checkStateless(Buffer.from(rawHex.slice(2), 'hex'), deps.rules);
  const root = await deps.latestRoot();
  if (root === null) throw new CodedError(PoolErrorCode.Unavailable, 'pool unavailable: the state has no genesis yet');
  const account = await deps.accounts.read(root, tx.from);
  if (account.codeLength > 0n) {
    throw new CodedError(PoolErrorCode.SenderNotEoa, `sender not an eoa: address ${tx.from}, codelength: ${account.codeLength}`);
  }
  if (BigInt(tx.nonce) < account.nonce) {
    throw new CodedError(PoolErrorCode.NonceTooLow, `nonce too low: address ${tx.from}, tx: ${tx.nonce} state: ${account.nonce}`, {
      address: tx.from, txNonce: tx.nonce, stateNonce: Number(account.nonce),
    });
  }
  if (account.balance < tx.cost) {
    throw new CodedError(
      PoolErrorCode.InsufficientFunds,
      `insufficient funds for gas * price + value: address ${tx.from} have ${account.balance} want ${tx.cost}`,
      { address: tx.from, balance: account.balance.toString(), cost: tx.cost.toString(), overshot: (tx.cost - account.balance).toString() },
    );
  }
  if (deps.preExecute) await deps.preExecute(tx, root, account.nonce);
  const { cost: _cost, ...record } = tx;
  const res = await deps.pool.add({ ...record, receivedAt: (deps.now ?? Date.now)() }, Number(account.nonce));
  if (!res.ok) throw rejectionError(res.rejection, tx);
  return { hash: tx.hash, from: tx.from, nonce: tx.nonce, gasPrice: tx.gasPrice, replaced: res.replaced };
}

function rejectionError(r: AddRejection, tx: CheckedTx): CodedError {
  switch (r.kind) {
    case 'blocked':
      return new CodedError(PoolErrorCode.BlockedSender, `blocked sender: ${tx.from}`, { address: tx.from });
    case 'already-known':
      return new CodedError(PoolErrorCode.AlreadyKnown, 'already known', { hash: tx.hash });
    case 'nonce-too-low':
      return new CodedError(PoolErrorCode.NonceTooLow, `nonce too low: address ${tx.from}, tx: ${tx.nonce} state: ${r.accountNonce}`, {
        address: tx.from, txNonce: tx.nonce, stateNonce: r.accountNonce,
      });
    case 'nonce-too-high':
      return new CodedError(PoolErrorCode.NonceTooHigh, `nonce too high: address ${tx.from}, tx: ${tx.nonce} state: ${r.accountNonce}`, {
        address: tx.from, txNonce: tx.nonce, stateNonce: r.accountNonce, maxNonce: r.maxNonce,
      });
    case 'replacement-underpriced':
      return new CodedError(PoolErrorCode.ReplacementUnderpriced, 'replacement transaction underpriced', {
        existing: r.existing, existingGasPrice: r.existingGasPrice.toString(), minGasPrice: r.minGasPrice.toString(),
      });
    case 'account-limit':
      return new CodedError(PoolErrorCode.AccountLimit, 'account limit exceeded', { address: tx.from, which: r.which, limit: r.limit });
    case 'pool-full':
      return new CodedError(PoolErrorCode.PoolFull, 'txpool is full', { which: r.which, limit: r.limit });
  }
}
