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

package dev.slotwise.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

/**
 * The cluster as the {@link ClusterMonitor} saw it at one poll: what {@code CLUSTER INFO}
 * and {@code CLUSTER NODES} said, with each replica's replication lag from
 * {@code INFO replication}. Immutable; health, metrics and the actuator endpoint read it
 * instead of querying the cluster on the request path.
 *
 * @param takenAt when the poll finished
 * @param state {@code ok}, {@code fail}, or {@code unknown} when no node answered
 * @param slotsAssigned slots assigned to a master
 * @param slotsOk slots whose master is not flagged
 * @param slotsPfail slots whose master some node suspects ({@code fail?})
 * @param slotsFail slots whose master the cluster agreed is failed
 * @param knownNodes nodes the answering node knows
 * @param size masters serving at least one slot
 * @param currentEpoch the cluster's current epoch
 * @param masters masters, each with its slots and replicas
 * @param answeredBy the node that answered, as {@code host:port}, or {@code null}
 * @param error why no node answered, or {@code null}
 */
public record ClusterSnapshot(Instant takenAt, String state, int slotsAssigned, int slotsOk, int slotsPfail,
		int slotsFail, int knownNodes, int size, long currentEpoch, List<Master> masters, @Nullable String answeredBy,
		@Nullable String error) {

	/**
	 * Copy the lists.
	 */
	public ClusterSnapshot {
		masters = List.copyOf(masters);
	}

	/** The error of the snapshot a monitor holds before its first poll. */
	public static final String NOT_POLLED = "not polled yet";

	/**
	 * A snapshot for when no node answered.
	 * @param takenAt when
	 * @param error why
	 * @return the snapshot
	 */
	public static ClusterSnapshot unknown(Instant takenAt, String error) {
		return new ClusterSnapshot(takenAt, "unknown", 0, 0, 0, 0, 0, 0, 0, List.of(), null, error);
	}

	/**
	 * Whether the cluster reports {@code cluster_state:ok} with every slot assigned.
	 * @return whether the cluster is up
	 */
	public boolean isUp() {
		return "ok".equals(this.state) && this.slotsAssigned == SlotHash.SLOT_COUNT;
	}

	/**
	 * Whether no node answered the poll.
	 * @return whether the state is unknown
	 */
	public boolean isUnknown() {
		return "unknown".equals(this.state);
	}

	/**
	 * Slots that are not assigned to any master.
	 * @return the count
	 */
	public int slotsUnassigned() {
		return isUnknown() ? 0 : SlotHash.SLOT_COUNT - this.slotsAssigned;
	}

	/**
	 * Slots that cannot be served now: those of masters flagged {@code fail} or
	 * {@code fail?}, and those no master serves.
	 * @return the slots
	 */
	public BitSet failingSlots() {
		BitSet failing = new BitSet(SlotHash.SLOT_COUNT);
		if (isUnknown()) {
			return failing;
		}
		BitSet assigned = new BitSet(SlotHash.SLOT_COUNT);
		for (Master master : this.masters) {
			for (SlotRange range : master.slots()) {
				assigned.set(range.from(), range.to() + 1);
				if (master.failing()) {
					failing.set(range.from(), range.to() + 1);
				}
			}
		}
		assigned.flip(0, SlotHash.SLOT_COUNT);
		failing.or(assigned);
		return failing;
	}

	/**
	 * Every replica of every master.
	 * @return the replicas
	 */
	public List<Replica> replicas() {
		List<Replica> replicas = new ArrayList<>();
		this.masters.forEach((master) -> replicas.addAll(master.replicas()));
		return replicas;
	}

	/**
	 * The master that serves a slot.
	 * @param slot the slot
	 * @return the master, or {@code null} if none does
	 */
	public @Nullable Master masterForSlot(int slot) {
		for (Master master : this.masters) {
			for (SlotRange range : master.slots()) {
				if (range.contains(slot)) {
					return master;
				}
			}
		}
		return null;
	}

	/**
	 * The masters that this instance cannot reach although the cluster considers them
	 * healthy: the cluster's own view flags them neither {@code fail} nor {@code fail?}
	 * (its other nodes reach them over the bus), but the monitor's reads of them from
	 * here went unanswered ({@link Master#reachable()}). The network between this
	 * instance and those masters is broken, not the cluster: no failover will come, and
	 * their slots fail fast on this instance only. Empty when the state is unknown.
	 * @return the masters, in the snapshot's order
	 */
	public List<Master> unreachableFromHere() {
		return this.masters.stream().filter((master) -> !master.reachable() && !master.failing()).toList();
	}

	/**
	 * A master.
	 *
	 * @param id the node id
	 * @param address {@code host:port}
	 * @param flags the flags the cluster gives it ({@code fail}, {@code fail?}, ...)
	 * @param slots the slot ranges it serves
	 * @param replicationOffset its {@code master_repl_offset}, or -1 if it did not answer
	 * @param replicas its replicas
	 * @param reachable whether this instance reaches it: {@code false} when the monitor's
	 * reads of it from here failed or went unanswered for the node timeout at two polls
	 * in a row, {@code true} otherwise (also when it was not asked)
	 */
	public record Master(String id, String address, Set<String> flags, List<SlotRange> slots, long replicationOffset,
			List<Replica> replicas, boolean reachable) {

		/**
		 * Copy the collections.
		 */
		public Master {
			flags = Set.copyOf(flags);
			slots = List.copyOf(slots);
			replicas = List.copyOf(replicas);
		}

		/**
		 * A master this instance reaches.
		 * @param id the node id
		 * @param address {@code host:port}
		 * @param flags the flags the cluster gives it
		 * @param slots the slot ranges it serves
		 * @param replicationOffset its {@code master_repl_offset}, or -1 if it did not
		 * answer
		 * @param replicas its replicas
		 */
		public Master(String id, String address, Set<String> flags, List<SlotRange> slots, long replicationOffset,
				List<Replica> replicas) {
			this(id, address, flags, slots, replicationOffset, replicas, true);
		}

		/**
		 * Whether the cluster flags it failed or suspects it.
		 * @return whether it is failing
		 */
		public boolean failing() {
			return this.flags.contains("fail") || this.flags.contains("fail?");
		}

		/**
		 * How many slots it serves.
		 * @return the count
		 */
		public int slotCount() {
			return this.slots.stream().mapToInt(SlotRange::size).sum();
		}

	}

	/**
	 * A replica and how far behind its master it is.
	 *
	 * @param id the node id
	 * @param address {@code host:port}
	 * @param masterId its master's node id
	 * @param flags the flags the cluster gives it
	 * @param online whether its master lists it as {@code online}
	 * @param lagBytes how many bytes of the replication stream it has not acknowledged,
	 * or -1 if unknown
	 * @param lastAck how long since it last acknowledged its master, or {@code null} if
	 * unknown
	 * @param lagging whether it is past a lag threshold, offline, or flagged failing
	 */
	public record Replica(String id, String address, String masterId, Set<String> flags, boolean online, long lagBytes,
			@Nullable Duration lastAck, boolean lagging) {

		/**
		 * Copy the flags.
		 */
		public Replica {
			flags = Set.copyOf(flags);
		}

	}

	/**
	 * An inclusive range of slots.
	 *
	 * @param from the first slot
	 * @param to the last slot
	 */
	public record SlotRange(int from, int to) {

		/**
		 * Check the bounds.
		 */
		public SlotRange {
			if (from < 0 || to >= SlotHash.SLOT_COUNT || from > to) {
				throw new IllegalArgumentException("Not a slot range: " + from + "-" + to);
			}
		}

		/**
		 * Whether the range holds a slot.
		 * @param slot the slot
		 * @return whether it does
		 */
		public boolean contains(int slot) {
			return slot >= this.from && slot <= this.to;
		}

		/**
		 * How many slots the range holds.
		 * @return the count
		 */
		public int size() {
			return this.to - this.from + 1;
		}

		/**
		 * The ranges of set bits.
		 * @param slots the slots
		 * @return the ranges, in order
		 */
		public static List<SlotRange> of(BitSet slots) {
			List<SlotRange> ranges = new ArrayList<>();
			for (int from = slots.nextSetBit(0); from >= 0;) {
				int end = slots.nextClearBit(from);
				ranges.add(new SlotRange(from, end - 1));
				from = slots.nextSetBit(end);
			}
			return ranges;
		}

		@Override
		public String toString() {
			return (this.from == this.to) ? Integer.toString(this.from) : this.from + "-" + this.to;
		}

	}

}
