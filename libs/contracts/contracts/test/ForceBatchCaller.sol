// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import "../ZkEvmRollup.sol";

interface IApprovable {
    function approve(address spender, uint256 amount) external returns (bool);
}

/// @notice Test-only: forces a batch from a contract, where the rollup must log the transactions.
contract ForceBatchCaller {
    function forceBatch(ZkEvmRollup rollup, IApprovable token, bytes calldata transactions, uint256 amount) external {
        token.approve(address(rollup), amount);
        rollup.forceBatch(transactions, amount);
    }
}
