/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package dev.slotwise.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

/**
 * Which slots share a master: a failure seen on one slot says its master's other slots
 * cannot be served either, and a slot that answers again says the same of them.
 * {@link ClusterTopology} is the implementation that follows the client's routing.
 */
@FunctionalInterface
public interface SlotPeers {

	/** No known peers: every slot stands alone. */
	SlotPeers NONE = (slot, action) -> {
	};

	/**
	 * Call an action with every other slot served by the master that serves a slot. Must
	 * not block: it runs on the request path.
	 * @param slot the slot
	 * @param action called once per peer slot, never with {@code slot} itself
	 */
	void forEachPeer(int slot, IntConsumer action);

	/**
	 * What the master that serves a slot has been doing, for stall detection. Must not
	 * block.
	 * @param slot the slot
	 * @return the master's activity, or {@code null} if the master is not known
	 */
	default @Nullable NodeActivity activityOf(int slot) {
		return null;
	}

	/**
	 * Whether another master, with calls in flight, has been silent for as long as its
	 * own stall threshold too: then the likelier cause is this client (a pause of this
	 * process, a starved CPU), not one master, and no master should be called stalled.
	 * Must not block.
	 * @param node the master about to be called stalled
	 * @param now the time, from {@link System#nanoTime()}
	 * @param stalls the stall thresholds
	 * @return whether another busy master is as silent
	 */
	default boolean othersSilent(NodeActivity node, long now, StallDetection stalls) {
		return false;
	}

	/**
	 * Whether the cluster still holds the master the client routes a slot to as that
	 * slot's master: asked before a failing slot is probed, so that a master the cluster
	 * has flagged failing or replaced, which may still answer (a stopped master that
	 * resumed and has not yet heard that its replica took over), takes no write. Must not
	 * block: it may be asked on a client's event loop; it completes within a bounded
	 * time.
	 * @param slot the slot
	 * @return {@code true} if the master may be probed; {@code true} at once when nothing
	 * is known
	 */
	default CompletionStage<Boolean> confirmMaster(int slot) {
		return CompletableFuture.completedFuture(true);
	}

}
