// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Records global exit roots with the L1 timestamp at which each was first seen; the rollup
/// only accepts a batch whose non-zero global exit root is recorded here.
/// zkseq has no bridge, so the exit-root arithmetic (mainnet and rollup exit roots hashed into the
/// global one) is not modelled: a single updater account, standing in for the bridge, posts
/// complete global exit roots.
contract GlobalExitRootManager {
    address public immutable updater;
    bytes32 public lastGlobalExitRoot;
    /// global exit root => timestamp of the block that first recorded it (0 = unknown)
    mapping(bytes32 => uint256) public globalExitRootMap;

    event UpdateGlobalExitRoot(bytes32 indexed globalExitRoot, uint256 timestamp);

    error OnlyUpdater();
    error ZeroGlobalExitRoot();

    constructor(address _updater) {
        updater = _updater;
    }

    function updateGlobalExitRoot(bytes32 globalExitRoot) external {
        if (msg.sender != updater) revert OnlyUpdater();
        if (globalExitRoot == bytes32(0)) revert ZeroGlobalExitRoot();
        lastGlobalExitRoot = globalExitRoot;
        // A root seen again keeps its first timestamp: sequencers may already rely on it.
        if (globalExitRootMap[globalExitRoot] == 0) globalExitRootMap[globalExitRoot] = block.timestamp;
        emit UpdateGlobalExitRoot(globalExitRoot, globalExitRootMap[globalExitRoot]);
    }

    function getLastGlobalExitRoot() external view returns (bytes32) {
        return lastGlobalExitRoot;
    }
}
