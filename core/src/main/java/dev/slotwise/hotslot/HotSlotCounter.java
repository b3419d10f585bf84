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
package dev.slotwise.hotslot;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;

/**
 * The per-command part of hot-slot detection: a Lettuce {@link CommandListener} that
 * counts every command that carries a key against the key's slot. Add it to a client with
 * {@link io.lettuce.core.AbstractRedisClient#addListener(CommandListener)} before the
 * client opens connections; a {@link HotSlotDetector} reads and resets the counts.
 *
 * <h2>Why it is cheap</h2> Per command it computes the slot of the first key (CRC16 over
 * the key's bytes, Lettuce's {@link SlotHash}) and increments one element of a
 * preallocated {@link AtomicLongArray}: one {@code lock xadd}, no lock, no allocation, no
 * retry loop. The array is striped by thread ({@code stripes × 16384} counts) so that
 * threads hammering the same hot slot do not all fight over one cache line, and there are
 * two generations: callers count into the current one while the detector folds the other
 * one into its window with {@code getAndSet(0)}, so no increment is ever lost, only at
 * worst counted one bucket late. Memory: {@code 2 × stripes × 128 KiB}.
 *
 * <p>
 * Keys are sampled only for slots the detector already found hot (a volatile
 * {@code boolean[16384]} it replaces when the hot set changes), and then only one in
 * {@code keySampleRate} commands ({@link ThreadLocalRandom}, no shared state). A sampled
 * key is copied into a preallocated ring of fixed-size byte slots guarded by a per-slot
 * sequence number (a seqlock), which the detector drains on its own thread; a writer that
 * meets a slot another writer is filling drops its sample. So even sampling allocates
 * nothing and takes no lock.
 *
 * <p>
 * What this class cannot avoid: Lettuce itself, once any {@link CommandListener} is
 * registered, wraps each command and creates a {@link CommandStartedEvent} (with a
 * {@code HashMap}) and a completion event; and {@link CommandArgs#getFirstEncodedKey()}
 * wraps a {@code byte[]} key in a {@link ByteBuffer} (Spring Data's codec) or encodes a
 * {@code String} key (Lettuce's {@code StringCodec}). The cluster client does the same
 * encoding to route the command. The benchmarks in {@code docs/monitoring.md} measure the
 * whole cost, Lettuce's part included.
 */
public final class HotSlotCounter implements CommandListener {

	/** Sampled keys longer than this many bytes are cut. */
	public static final int MAX_KEY_BYTES = 128;

	static final int SLOTS = SlotHash.SLOT_COUNT;

	private static final int SAMPLE_RING = 1024;

	private final AtomicLongArray[] generations;

	private final int stripeMask;

	private final int keySampleRate;

	private final KeySamples samples = new KeySamples(SAMPLE_RING, MAX_KEY_BYTES);

	private volatile int current;

	private volatile boolean[] sampled = new boolean[SLOTS];

	/**
	 * Create a counter with one stripe per processor (a power of two, at most 8).
	 * @param keySampleRate one in this many commands to a sampled slot has its key
	 * recorded (at least 1)
	 */
	public HotSlotCounter(int keySampleRate) {
		this(keySampleRate, Runtime.getRuntime().availableProcessors());
	}

	HotSlotCounter(int keySampleRate, int processors) {
		if (keySampleRate < 1) {
			throw new IllegalArgumentException("keySampleRate must be at least 1, was " + keySampleRate);
		}
		int stripes = Integer.highestOneBit(Math.max(1, Math.min(8, processors)));
		this.stripeMask = stripes - 1;
		this.keySampleRate = keySampleRate;
		this.generations = new AtomicLongArray[] { new AtomicLongArray(stripes * SLOTS),
				new AtomicLongArray(stripes * SLOTS) };
	}

	@Override
	public void commandStarted(CommandStartedEvent event) {
		RedisCommand<Object, Object, Object> command = event.getCommand();
		CommandArgs<Object, Object> args = command.getArgs();
		// Lettuce sends CLIENT SETNAME with the connection name as a key argument.
		if (args == null || command.getType() == CommandType.CLIENT) {
			return;
		}
		ByteBuffer key = args.getFirstEncodedKey();
		if (key != null) {
			record(key);
		}
	}

	/**
	 * Count one command to a key.
	 * @param key the key's bytes from its position to its limit; position and limit are
	 * left as they were
	 */
	public void record(ByteBuffer key) {
		int slot = SlotHash.getSlot(key);
		int stripe = (int) Thread.currentThread().getId() & this.stripeMask;
		this.generations[this.current].getAndIncrement(stripe * SLOTS + slot);
		if (this.sampled[slot]
				&& (this.keySampleRate == 1 || ThreadLocalRandom.current().nextInt(this.keySampleRate) == 0)) {
			this.samples.offer(slot, key);
		}
	}

	/**
	 * Switch callers to the other generation and add the counts of the one they used
	 * until now to {@code counts} (one element per slot), resetting them. Called by one
	 * thread at a time.
	 * @param counts where the counts are added
	 * @return the number of commands added
	 */
	long drainInto(long[] counts) {
		int previous = this.current;
		this.current = 1 - previous;
		AtomicLongArray generation = this.generations[previous];
		long total = 0;
		for (int stripe = 0; stripe <= this.stripeMask; stripe++) {
			int base = stripe * SLOTS;
			for (int slot = 0; slot < SLOTS; slot++) {
				if (generation.get(base + slot) != 0) {
					long count = generation.getAndSet(base + slot, 0);
					counts[slot] += count;
					total += count;
				}
			}
		}
		return total;
	}

	/**
	 * Sample keys of these slots from now on, and only of these.
	 * @param slots one flag per slot; the array is copied
	 */
	void sampleKeysOf(boolean[] slots) {
		this.sampled = slots.clone();
	}

	/**
	 * Hand every key sampled since the last call to the sink, on the calling thread.
	 * Called by one thread at a time.
	 * @param sink receives each sample; the byte array is reused after the call returns
	 */
	void drainSamples(SampleSink sink) {
		this.samples.drain(sink);
	}

	/**
	 * Receives sampled keys.
	 */
	@FunctionalInterface
	interface SampleSink {

		/**
		 * One sampled key.
		 * @param slot its slot
		 * @param key a buffer holding the key's first bytes
		 * @param length how many bytes of {@code key} are the key
		 * @param truncated whether the key was longer and was cut
		 */
		void accept(int slot, byte[] key, int length, boolean truncated);

	}

	/**
	 * A ring of fixed-size key slots written by many threads and read by one: each entry
	 * has a version that is odd while a writer fills it and even when it is complete, so
	 * the reader can tell a torn entry from a whole one without a lock (a seqlock).
	 */
	static final class KeySamples {

		private final int mask;

		private final int maxKeyBytes;

		private final byte[] bytes;

		private final int[] lengths;

		private final int[] slots;

		private final AtomicLongArray versions;

		private final AtomicLong claims = new AtomicLong();

		private final long[] consumed;

		private final byte[] scratch;

		KeySamples(int capacity, int maxKeyBytes) {
			if (Integer.bitCount(capacity) != 1) {
				throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
			}
			this.mask = capacity - 1;
			this.maxKeyBytes = maxKeyBytes;
			this.bytes = new byte[capacity * maxKeyBytes];
			this.lengths = new int[capacity];
			this.slots = new int[capacity];
			this.versions = new AtomicLongArray(capacity);
			this.consumed = new long[capacity];
			this.scratch = new byte[maxKeyBytes];
		}

		void offer(int slot, ByteBuffer key) {
			int index = (int) this.claims.getAndIncrement() & this.mask;
			long version = this.versions.get(index);
			if ((version & 1) != 0 || !this.versions.compareAndSet(index, version, version + 1)) {
				return;
			}
			int remaining = key.remaining();
			int length = Math.min(remaining, this.maxKeyBytes);
			key.get(key.position(), this.bytes, index * this.maxKeyBytes, length);
			this.lengths[index] = (remaining > this.maxKeyBytes) ? -length : length;
			this.slots[index] = slot;
			this.versions.set(index, version + 2);
		}

		void drain(SampleSink sink) {
			for (int index = 0; index <= this.mask; index++) {
				long before = this.versions.get(index);
				if ((before & 1) != 0 || before == this.consumed[index]) {
					continue;
				}
				int slot = this.slots[index];
				int length = this.lengths[index];
				int size = Math.abs(length);
				System.arraycopy(this.bytes, index * this.maxKeyBytes, this.scratch, 0, size);
				VarHandle.acquireFence();
				if (this.versions.get(index) != before) {
					continue;
				}
				this.consumed[index] = before;
				sink.accept(slot, this.scratch, size, length < 0);
			}
		}

	}

}
