// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "../ZkEvmRollup.sol";

/// @notice Test-only rollup (never deployed by the deploy script): lets a test continue the
/// accumulated input hash chain from any point, e.g. an executor vector's oldAccInputHash.
contract ZkEvmRollupHarness is ZkEvmRollup {
    constructor(InitParams memory p) ZkEvmRollup(p) {}

    function setSequenceHead(uint64 batchNum, bytes32 accInputHash, uint64 timestamp) external onlyAdmin {
        sequencedBatches[batchNum] = SequencedBatchData({
            accInputHash: accInputHash,
            sequencedTimestamp: uint64(block.timestamp),
            previousLastBatchSequenced: lastBatchSequenced
        });
        lastBatchSequenced = batchNum;
        lastTimestamp = timestamp;
    }
}
