/** The L1 is down, too slow, or answered with an HTTP error: worth retrying later. */
export class RpcUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcUnavailableError';
  }
}

/** The node answered with a JSON-RPC error: a verdict about the request itself. */
export class RpcResponseError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    /** Revert data when the node gives it (geth: `data` is the hex; hardhat: `data.data`). */
    readonly revertData: string | undefined,
  ) {
    super(`${method}: ${message} (${code})`);
    this.name = 'RpcResponseError';
  }
}

export type RpcReceipt = {
  transactionHash: string;
  blockNumber: string;
  blockHash: string;
  status: string;
  gasUsed: string;
  effectiveGasPrice: string;
};

/** The fields of eth_getTransactionByHash the services read. */
export type RpcTransaction = { hash: string; from: string; to: string | null; input: string; blockNumber: string | null };

export type TxCall = { from: string; to: string; data: string; value?: string; gas?: string };

const hexQty = (n: bigint | number) => `0x${n.toString(16)}`;

/**
 * A minimal JSON-RPC client over fetch for the L1 calls the services make (native JSON parsing:
 * large calldata in answers costs a fraction of ethers' pure-JS body decoding). Every call has a deadline; a
 * transport failure or timeout is an RpcUnavailableError, a node error an RpcResponseError.
 */
export class L1Rpc {
  private id = 0;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async call<T>(method: string, params: unknown[]): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new RpcUnavailableError(`${method}: ${e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.message}`);
    }
    if (!res.ok) throw new RpcUnavailableError(`${method}: HTTP ${res.status}`);
    let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
    try {
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new RpcUnavailableError(`${method}: unreadable answer (${(err as Error).message})`);
    }
    if (body.error) {
      const d = body.error.data as { data?: unknown } | string | undefined;
      const revertData = typeof d === 'string' ? d : typeof d?.data === 'string' ? d.data : undefined;
      throw new RpcResponseError(method, body.error.code, body.error.message, revertData);
    }
    return body.result as T;
  }

  chainId = async () => Number(await this.call<string>('eth_chainId', []));
  blockNumber = async () => Number(await this.call<string>('eth_blockNumber', []));
  nonceAt = async (address: string, block: number | 'latest' | 'pending') =>
    Number(await this.call<string>('eth_getTransactionCount', [address, typeof block === 'number' ? hexQty(block) : block]));
  balance = async (address: string) => BigInt(await this.call<string>('eth_getBalance', [address, 'pending']));
  baseFee = async () => BigInt((await this.call<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false])).baseFeePerGas ?? '0x0');
  maxPriorityFee = async () => BigInt(await this.call<string>('eth_maxPriorityFeePerGas', []));
  estimateGas = async (tx: TxCall) => BigInt(await this.call<string>('eth_estimateGas', [tx, 'pending']));
  ethCall = async (tx: TxCall, block: number) => this.call<string>('eth_call', [tx, hexQty(block)]);
  sendRaw = async (raw: string) => this.call<string>('eth_sendRawTransaction', [raw]);
  receipt = async (hash: string) => this.call<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
  transaction = async (hash: string) => this.call<RpcTransaction | null>('eth_getTransactionByHash', [hash]);
}
