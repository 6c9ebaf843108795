// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface IGlobalExitRootManager {
    function globalExitRootMap(bytes32 globalExitRoot) external view returns (uint256);

    function getLastGlobalExitRoot() external view returns (bytes32);
}

interface IFeeToken {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @notice The fork-6 (pre-etrog) rollup entry points that make L2 batches data-available on L1:
/// the trusted sequencer appends batches with `sequenceBatches`, anyone may queue a forced batch
/// with `forceBatch`, and once the force timeout has passed anyone may sequence queued forced
/// batches with `sequenceForceBatches`. Every appended batch extends the accumulated input hash
///   accInputHash = keccak256(prevAccInputHash ‖ keccak256(transactions) ‖ globalExitRoot ‖ uint64 timestamp ‖ coinbase)
/// which is stored once per sequence, under the sequence's last batch number.
/// Out of scope (no prover in zkseq): verification, pending states, emergency state, fee adjustment.
contract ZkEvmRollup {
    struct BatchData {
        bytes transactions;
        bytes32 globalExitRoot;
        uint64 timestamp;
        uint64 minForcedTimestamp;
    }

    struct ForcedBatchData {
        bytes transactions;
        bytes32 globalExitRoot;
        uint64 minForcedTimestamp;
    }

    struct SequencedBatchData {
        bytes32 accInputHash;
        uint64 sequencedTimestamp;
        uint64 previousLastBatchSequenced;
    }

    struct InitParams {
        IGlobalExitRootManager globalExitRootManager;
        IFeeToken feeToken;
        uint64 chainID;
        uint64 forkID;
        address admin;
        address trustedSequencer;
        bytes32 genesisRoot;
        uint256 batchFee;
        uint64 forceBatchTimeout;
        string networkName;
    }

    uint256 public constant MAX_TRANSACTIONS_BYTE_LENGTH = 120000;
    uint256 public constant MAX_FORCE_BATCH_BYTE_LENGTH = 5000;
    uint256 public constant MAX_BATCHES_PER_SEQUENCE = 1000;
    uint64 public constant MAX_FORCE_BATCH_TIMEOUT = 1 weeks;
    uint256 public constant FORCED_BATCH_FEE_MULTIPLIER = 100;

    IGlobalExitRootManager public immutable globalExitRootManager;
    IFeeToken public immutable feeToken;
    uint64 public immutable chainID;
    uint64 public immutable forkID;

    address public admin;
    address public trustedSequencer;
    /// Fee-token amount the trusted sequencer pays per non-forced batch.
    uint256 public batchFee;
    uint64 public forceBatchTimeout;
    bool public isForcedBatchDisallowed;
    string public networkName;

    /// last batch number of a sequence => its data
    mapping(uint64 => SequencedBatchData) public sequencedBatches;
    /// force batch number => keccak256(keccak256(transactions) ‖ globalExitRoot ‖ uint64 minForcedTimestamp)
    mapping(uint64 => bytes32) public forcedBatches;
    mapping(uint64 => bytes32) public batchNumToStateRoot;
    /// timestamp of the last sequenced batch
    uint64 public lastTimestamp;
    uint64 public lastBatchSequenced;
    uint64 public lastForceBatch;
    uint64 public lastForceBatchSequenced;

    event SequenceBatches(uint64 indexed numBatch);
    event SequenceForceBatches(uint64 indexed numBatch);
    event ForceBatch(uint64 indexed forceBatchNum, bytes32 lastGlobalExitRoot, address sequencer, bytes transactions);
    event SetTrustedSequencer(address newTrustedSequencer);
    event SetBatchFee(uint256 newBatchFee);
    event SetForceBatchTimeout(uint64 newforceBatchTimeout);
    event ActivateForceBatches();

    error OnlyAdmin();
    error OnlyTrustedSequencer();
    error SequenceZeroBatches();
    error ExceedMaxVerifyBatches();
    error TransactionsLengthAboveMax();
    error GlobalExitRootNotExist();
    error SequencedTimestampInvalid();
    error SequencedTimestampBelowForcedTimestamp();
    error ForcedDataDoesNotMatch();
    error ForceBatchesOverflow();
    error ForceBatchNotAllowed();
    error ForceBatchesAlreadyActive();
    error NotEnoughMaticAmount();
    error ForceBatchTimeoutNotExpired();
    error InvalidRangeForceBatchTimeout();
    error FeeTransferFailed();

    modifier onlyAdmin() {
        if (msg.sender != admin) revert OnlyAdmin();
        _;
    }

    modifier onlyTrustedSequencer() {
        if (msg.sender != trustedSequencer) revert OnlyTrustedSequencer();
        _;
    }

    modifier isForceBatchAllowed() {
        if (isForcedBatchDisallowed) revert ForceBatchNotAllowed();
        _;
    }

    /// Genesis: batch 0 has the L2 genesis state root and accInputHash 0; nothing is sequenced yet.
    constructor(InitParams memory p) {
        if (p.forceBatchTimeout > MAX_FORCE_BATCH_TIMEOUT) revert InvalidRangeForceBatchTimeout();
        globalExitRootManager = p.globalExitRootManager;
        feeToken = p.feeToken;
        chainID = p.chainID;
        forkID = p.forkID;
        admin = p.admin;
        trustedSequencer = p.trustedSequencer;
        batchNumToStateRoot[0] = p.genesisRoot;
        batchFee = p.batchFee;
        forceBatchTimeout = p.forceBatchTimeout;
        networkName = p.networkName;
        // As on mainnet at fork 6: forced batches stay off until the admin opens them.
        isForcedBatchDisallowed = true;
    }

    /// @notice Appends batches to the sequence. Forced batches are marked by minForcedTimestamp > 0
    /// and must match the next queued forced batches in order.
    function sequenceBatches(BatchData[] calldata batches, address l2Coinbase) external onlyTrustedSequencer {
        uint256 batchesNum = batches.length;
        if (batchesNum == 0) revert SequenceZeroBatches();
        if (batchesNum > MAX_BATCHES_PER_SEQUENCE) revert ExceedMaxVerifyBatches();

        uint64 currentTimestamp = lastTimestamp;
        uint64 initLastForceBatchSequenced = lastForceBatchSequenced;
        uint64 currentLastForceBatchSequenced = initLastForceBatchSequenced;
        uint64 previousLastBatch = lastBatchSequenced;
        bytes32 accInputHash = sequencedBatches[previousLastBatch].accInputHash;

        for (uint256 i = 0; i < batchesNum; i++) {
            BatchData calldata batch = batches[i];
            bytes32 transactionsHash = keccak256(batch.transactions);

            if (batch.minForcedTimestamp > 0) {
                currentLastForceBatchSequenced++;
                bytes32 forcedHash = keccak256(
                    abi.encodePacked(transactionsHash, batch.globalExitRoot, batch.minForcedTimestamp)
                );
                if (forcedHash != forcedBatches[currentLastForceBatchSequenced]) revert ForcedDataDoesNotMatch();
                delete forcedBatches[currentLastForceBatchSequenced];
                if (batch.timestamp < batch.minForcedTimestamp) revert SequencedTimestampBelowForcedTimestamp();
            } else {
                // Forced batches had both checks done by forceBatch.
                if (
                    batch.globalExitRoot != bytes32(0) &&
                    globalExitRootManager.globalExitRootMap(batch.globalExitRoot) == 0
                ) revert GlobalExitRootNotExist();
                if (batch.transactions.length > MAX_TRANSACTIONS_BYTE_LENGTH) revert TransactionsLengthAboveMax();
            }

            if (batch.timestamp < currentTimestamp || batch.timestamp > block.timestamp) {
                revert SequencedTimestampInvalid();
            }

            accInputHash = keccak256(
                abi.encodePacked(accInputHash, transactionsHash, batch.globalExitRoot, batch.timestamp, l2Coinbase)
            );
            currentTimestamp = batch.timestamp;
        }

        // Unreachable unless the forced-batch bookkeeping is broken; kept as a guard.
        if (currentLastForceBatchSequenced > lastForceBatch) revert ForceBatchesOverflow();

        uint64 newLastBatch = previousLastBatch + uint64(batchesNum);
        sequencedBatches[newLastBatch] = SequencedBatchData({
            accInputHash: accInputHash,
            sequencedTimestamp: uint64(block.timestamp),
            previousLastBatchSequenced: previousLastBatch
        });
        lastTimestamp = currentTimestamp;
        lastBatchSequenced = newLastBatch;
        if (currentLastForceBatchSequenced != initLastForceBatchSequenced) {
            lastForceBatchSequenced = currentLastForceBatchSequenced;
        }

        uint256 nonForcedBatches = batchesNum - (currentLastForceBatchSequenced - initLastForceBatchSequenced);
        _collectFee(msg.sender, batchFee * nonForcedBatches);

        emit SequenceBatches(newLastBatch);
    }

    /// @notice Queues a forced batch; the trusted sequencer is expected to include it, or anyone can
    /// sequence it with sequenceForceBatches once forceBatchTimeout has passed.
    /// @param maticAmount the most fee-token the sender agrees to pay (the fee is getForcedBatchFee()).
    function forceBatch(bytes calldata transactions, uint256 maticAmount) external isForceBatchAllowed {
        uint256 fee = getForcedBatchFee();
        if (fee > maticAmount) revert NotEnoughMaticAmount();
        if (transactions.length > MAX_FORCE_BATCH_BYTE_LENGTH) revert TransactionsLengthAboveMax();
        _collectFee(msg.sender, fee);

        bytes32 lastGlobalExitRoot = globalExitRootManager.getLastGlobalExitRoot();
        uint64 forceBatchNum = ++lastForceBatch;
        forcedBatches[forceBatchNum] = keccak256(
            abi.encodePacked(keccak256(transactions), lastGlobalExitRoot, uint64(block.timestamp))
        );

        // An EOA's transactions are in its calldata; a contract's are only in a trace, so log them.
        if (msg.sender == tx.origin) {
            emit ForceBatch(forceBatchNum, lastGlobalExitRoot, msg.sender, "");
        } else {
            emit ForceBatch(forceBatchNum, lastGlobalExitRoot, msg.sender, transactions);
        }
    }

    /// @notice Sequences queued forced batches once the newest of them is older than forceBatchTimeout.
    /// Each batch gets this block's timestamp and the caller as coinbase.
    function sequenceForceBatches(ForcedBatchData[] calldata batches) external isForceBatchAllowed {
        uint256 batchesNum = batches.length;
        if (batchesNum == 0) revert SequenceZeroBatches();
        if (batchesNum > MAX_BATCHES_PER_SEQUENCE) revert ExceedMaxVerifyBatches();
        if (uint256(lastForceBatchSequenced) + batchesNum > uint256(lastForceBatch)) revert ForceBatchesOverflow();

        uint64 currentLastForceBatchSequenced = lastForceBatchSequenced;
        uint64 previousLastBatch = lastBatchSequenced;
        bytes32 accInputHash = sequencedBatches[previousLastBatch].accInputHash;

        for (uint256 i = 0; i < batchesNum; i++) {
            ForcedBatchData calldata batch = batches[i];
            currentLastForceBatchSequenced++;
            bytes32 transactionsHash = keccak256(batch.transactions);
            bytes32 forcedHash = keccak256(
                abi.encodePacked(transactionsHash, batch.globalExitRoot, batch.minForcedTimestamp)
            );
            if (forcedHash != forcedBatches[currentLastForceBatchSequenced]) revert ForcedDataDoesNotMatch();
            delete forcedBatches[currentLastForceBatchSequenced];

            // Forced batches are queued in time order, so the last one has the latest deadline.
            if (i == batchesNum - 1 && batch.minForcedTimestamp + forceBatchTimeout > block.timestamp) {
                revert ForceBatchTimeoutNotExpired();
            }

            accInputHash = keccak256(
                abi.encodePacked(accInputHash, transactionsHash, batch.globalExitRoot, uint64(block.timestamp), msg.sender)
            );
        }

        uint64 newLastBatch = previousLastBatch + uint64(batchesNum);
        sequencedBatches[newLastBatch] = SequencedBatchData({
            accInputHash: accInputHash,
            sequencedTimestamp: uint64(block.timestamp),
            previousLastBatchSequenced: previousLastBatch
        });
        lastTimestamp = uint64(block.timestamp);
        lastBatchSequenced = newLastBatch;
        lastForceBatchSequenced = currentLastForceBatchSequenced;

        emit SequenceForceBatches(newLastBatch);
    }

    function getForcedBatchFee() public view returns (uint256) {
        return batchFee * FORCED_BATCH_FEE_MULTIPLIER;
    }

    function setTrustedSequencer(address newTrustedSequencer) external onlyAdmin {
        trustedSequencer = newTrustedSequencer;
        emit SetTrustedSequencer(newTrustedSequencer);
    }

    /// Fee adjustment by verification speed does not exist here (no verification); the admin sets it.
    function setBatchFee(uint256 newBatchFee) external onlyAdmin {
        batchFee = newBatchFee;
        emit SetBatchFee(newBatchFee);
    }

    /// The timeout can only shrink, so users who forced a batch are never made to wait longer.
    function setForceBatchTimeout(uint64 newforceBatchTimeout) external onlyAdmin {
        if (newforceBatchTimeout >= forceBatchTimeout) revert InvalidRangeForceBatchTimeout();
        forceBatchTimeout = newforceBatchTimeout;
        emit SetForceBatchTimeout(newforceBatchTimeout);
    }

    function activateForceBatches() external onlyAdmin {
        if (!isForcedBatchDisallowed) revert ForceBatchesAlreadyActive();
        isForcedBatchDisallowed = false;
        emit ActivateForceBatches();
    }

    function _collectFee(address from, uint256 amount) private {
        if (amount == 0) return;
        if (!feeToken.transferFrom(from, address(this), amount)) revert FeeTransferFailed();
    }
}
