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

import java.time.Clock;
import java.time.Duration;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

/**
 * Which Redis Cluster slots are failing now, so that callers fail fast on those slots
 * instead of each waiting out a command timeout, while every other slot runs at full
 * speed.
 *
 * <p>
 * A slot is marked failing when a command on it fails in a way that says the slot's node
 * is unreachable or the cluster refuses it (see {@link #markFailing(int)}). The mark
 * holds for a probe interval; after it, one caller is let through as a probe while every
 * other caller, on that slot and on the other slots of its master, keeps failing fast for
 * another interval: if the probe fails the slot is marked again, if it succeeds
 * {@link #markHealthy(int)} clears it and its master's slots. So a master that still
 * hangs holds one caller per probe interval, not every caller that arrives while the
 * probe waits. A poller of cluster state may mark and clear slots too.
 *
 * <p>
 * Lock-free: reading a slot's state is one volatile array read, so the check costs
 * nanoseconds on the request path.
 */
public final class SlotHealth {

	/**
	 * The default probe interval: 1 s, about a cluster's failover time with a 1 s node
	 * timeout.
	 */
	public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final long HEALTHY = 0;

	private final AtomicLongArray failingUntil = new AtomicLongArray(SlotHash.SLOT_COUNT);

	private final Clock clock;

	private final long probeIntervalMillis;

	private final SlotPeers peers;

	/**
	 * Create slot health with a probe interval, each slot standing alone.
	 * @param probeInterval how long a failing mark holds before a caller may probe again
	 * (positive)
	 * @param clock the clock
	 */
	public SlotHealth(Duration probeInterval, Clock clock) {
		this(probeInterval, clock, SlotPeers.NONE);
	}

	/**
	 * Create slot health with a probe interval and the slots that share a master, so that
	 * a failure seen on one slot fails fast its master's other slots too: a hung master
	 * otherwise costs one command timeout per slot before each is marked.
	 * @param probeInterval how long a failing mark holds before a caller may probe again
	 * (positive)
	 * @param clock the clock
	 * @param peers which slots share a master (usually a {@link ClusterTopology})
	 */
	public SlotHealth(Duration probeInterval, Clock clock, SlotPeers peers) {
		if (probeInterval.isZero() || probeInterval.isNegative()) {
			throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
		}
		this.probeIntervalMillis = probeInterval.toMillis();
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.peers = Objects.requireNonNull(peers, "peers must not be null");
	}

	/**
	 * Whether a slot is marked failing and its probe interval has not passed. A query for
	 * observers (metrics, tests); callers about to use the slot ask
	 * {@link #failsFast(int)}.
	 * @param slot the slot
	 * @return whether the slot is marked failing now
	 */
	public boolean isFailing(int slot) {
		long until = this.failingUntil.get(slot);
		return until != HEALTHY && this.clock.millis() < until;
	}

	/**
	 * Whether a caller about to use a slot should fail fast. When the slot's probe
	 * interval has passed, the one caller that claims the probe gets {@code false} and
	 * should try Redis, then report the outcome ({@link #markHealthy(int)} or
	 * {@link #markFailing(int)}); the slot and its master's other slots stay failing for
	 * everyone else for another interval, or until the probe succeeds.
	 * @param slot the slot
	 * @return whether the caller should fail fast
	 */
	public boolean failsFast(int slot) {
		long until = this.failingUntil.get(slot);
		if (until == HEALTHY) {
			return false;
		}
		long now = this.clock.millis();
		if (now < until) {
			return true;
		}
		long next = now + this.probeIntervalMillis;
		if (!this.failingUntil.compareAndSet(slot, until, next)) {
			// Another caller claimed the probe.
			return true;
		}
		forEachPeer(slot, (peer) -> this.failingUntil.getAndUpdate(peer,
				(current) -> (current == HEALTHY) ? HEALTHY : Math.max(current, next)));
		return false;
	}

	/**
	 * Let the next caller of a failing slot, or of its master's other slots, probe now
	 * rather than after the probe interval (the master was just confirmed). Does nothing
	 * to a healthy slot.
	 * @param slot the slot
	 */
	public void probeNow(int slot) {
		long now = this.clock.millis();
		IntConsumer reopen = (failing) -> this.failingUntil.getAndUpdate(failing,
				(until) -> (until == HEALTHY) ? HEALTHY : Math.min(until, now));
		reopen.accept(slot);
		forEachPeer(slot, reopen);
	}

	/**
	 * Whether a slot was marked failing and not yet marked healthy (its probe interval
	 * may have passed).
	 * @param slot the slot
	 * @return whether the slot is not known to be healthy
	 */
	public boolean isSuspect(int slot) {
		return this.failingUntil.get(slot) != HEALTHY;
	}

	/**
	 * Mark a slot failing for one probe interval from now, with every slot of the same
	 * master when the topology is known.
	 * @param slot the slot
	 * @return whether the slot was healthy before (a state change)
	 */
	public boolean markFailing(int slot) {
		long until = this.clock.millis() + this.probeIntervalMillis;
		boolean changed = this.failingUntil.getAndSet(slot, until) == HEALTHY;
		forEachPeer(slot, (peer) -> this.failingUntil.set(peer, until));
		return changed;
	}

	/**
	 * Mark one slot failing, without its peers, for callers that mark whole ranges (the
	 * cluster monitor marks every slot of a master the cluster flags failing).
	 * @param slot the slot
	 * @return whether the slot was healthy before
	 */
	public boolean markFailingSlot(int slot) {
		return this.failingUntil.getAndSet(slot, this.clock.millis() + this.probeIntervalMillis) == HEALTHY;
	}

	/**
	 * Mark a slot healthy, with every slot of the same master when the topology is known:
	 * a command that succeeded says the node answers.
	 * @param slot the slot
	 * @return whether the slot was marked failing before (a state change)
	 */
	public boolean markHealthy(int slot) {
		boolean changed = this.failingUntil.get(slot) != HEALTHY
				&& this.failingUntil.getAndSet(slot, HEALTHY) != HEALTHY;
		if (changed) {
			forEachPeer(slot, (peer) -> this.failingUntil.set(peer, HEALTHY));
		}
		return changed;
	}

	/**
	 * What the master that serves a slot has been doing, when the topology is known.
	 * @param slot the slot
	 * @return the master's activity, or {@code null}
	 */
	@Nullable NodeActivity activityOf(int slot) {
		return this.peers.activityOf(slot);
	}

	/**
	 * Whether another busy master has been as silent as one about to be called stalled.
	 * @param node the master
	 * @param now the time, from {@link System#nanoTime()}
	 * @param stalls the stall thresholds
	 * @return whether another busy master is as silent
	 * @see SlotPeers#othersSilent(NodeActivity, long, StallDetection)
	 */
	boolean othersSilent(NodeActivity node, long now, StallDetection stalls) {
		return this.peers.othersSilent(node, now, stalls);
	}

	/**
	 * Whether the cluster still holds the master that serves a slot as its master.
	 * @param slot the slot
	 * @return the answer, completed within a bounded time
	 * @see SlotPeers#confirmMaster(int)
	 */
	CompletionStage<Boolean> confirmMaster(int slot) {
		return this.peers.confirmMaster(slot);
	}

	private void forEachPeer(int slot, IntConsumer action) {
		this.peers.forEachPeer(slot, action);
	}

	/**
	 * The slots marked failing or not yet confirmed healthy.
	 * @return the suspect slots
	 */
	public BitSet suspectSlots() {
		BitSet slots = new BitSet(SlotHash.SLOT_COUNT);
		for (int slot = 0; slot < SlotHash.SLOT_COUNT; slot++) {
			if (this.failingUntil.get(slot) != HEALTHY) {
				slots.set(slot);
			}
		}
		return slots;
	}

	/**
	 * How long a failing mark holds.
	 * @return the probe interval
	 */
	public Duration probeInterval() {
		return Duration.ofMillis(this.probeIntervalMillis);
	}

}
