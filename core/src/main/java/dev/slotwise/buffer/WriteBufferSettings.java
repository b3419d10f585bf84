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

package dev.slotwise.buffer;

import java.time.Duration;
import java.util.Objects;

import dev.slotwise.cluster.SlotGuard;

/**
 * Bounds and timings of a {@link WriteBuffer}.
 *
 * @param maxEntries most writes held at once (1 or more)
 * @param maxBytes most key and value bytes held at once (1 or more)
 * @param overflow what happens to a write that would exceed a bound
 * @param replayInterval how often the buffer tries to replay (positive)
 * @param replayBatchSize most writes sent in one pipelined batch (1 or more)
 * @param initialBackoff first wait after a failed replay of a slot (positive)
 * @param maxBackoff longest wait between replays of a failing slot (positive)
 * @param drainTimeout how long stopping may spend on a last replay (zero or more)
 * @param writeTimeout how long a direct write waits for Redis before it is buffered
 * instead, and no longer than its master may stay silent ({@link SlotGuard#await}); zero
 * waits the connection's command timeout
 */
public record WriteBufferSettings(int maxEntries, long maxBytes, Overflow overflow, Duration replayInterval,
		int replayBatchSize, Duration initialBackoff, Duration maxBackoff, Duration drainTimeout,
		Duration writeTimeout) {

	/** Default bound on buffered writes: 10,000. */
	public static final int DEFAULT_MAX_ENTRIES = 10_000;

	/** Default bound on buffered key and value bytes: 16 MiB. */
	public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

	/** Default overflow policy: reject the write that does not fit. */
	public static final Overflow DEFAULT_OVERFLOW = Overflow.REJECT_NEW;

	/** Default time between replay runs: 200 ms. */
	public static final Duration DEFAULT_REPLAY_INTERVAL = Duration.ofMillis(200);

	/**
	 * Default number of writes sent in one pipelined replay batch: 500, enough to drain
	 * thousands of writes per second without holding the store's lock for long.
	 */
	public static final int DEFAULT_REPLAY_BATCH_SIZE = 500;

	/** Default first back-off of a slot whose replay failed: 100 ms. */
	public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);

	/** Default longest back-off of a slot whose replay keeps failing: 5 s. */
	public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

	/** Default time a stopping buffer spends delivering what it holds: 5 s. */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default longest wait of a direct write before it is buffered instead: 250 ms, like
	 * a cache read's, far below a command timeout.
	 */
	public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofMillis(250);

	/** Default interval at which journal records are forced to disk: 100 ms. */
	public static final Duration DEFAULT_JOURNAL_FSYNC_INTERVAL = Duration.ofMillis(100);

	/**
	 * Check the settings.
	 */
	public WriteBufferSettings {
		Objects.requireNonNull(overflow, "overflow must not be null");
		if (maxEntries < 1 || maxBytes < 1 || replayBatchSize < 1) {
			throw new IllegalArgumentException("maxEntries, maxBytes and replayBatchSize must be at least 1, were "
					+ maxEntries + ", " + maxBytes + ", " + replayBatchSize);
		}
		for (Duration duration : new Duration[] { replayInterval, initialBackoff, maxBackoff }) {
			if (duration.isZero() || duration.isNegative()) {
				throw new IllegalArgumentException("replayInterval, initialBackoff and maxBackoff must be positive");
			}
		}
		if (drainTimeout.isNegative()) {
			throw new IllegalArgumentException("drainTimeout must not be negative, was " + drainTimeout);
		}
		if (writeTimeout.isNegative()) {
			throw new IllegalArgumentException("writeTimeout must not be negative, was " + writeTimeout);
		}
	}

	/**
	 * Settings whose direct writes wait {@link #DEFAULT_WRITE_TIMEOUT}.
	 * @param maxEntries the most writes held
	 * @param maxBytes the most key and value bytes held
	 * @param overflow what a write that does not fit does
	 * @param replayInterval time between replay runs
	 * @param replayBatchSize writes sent in one pipelined batch
	 * @param initialBackoff first back-off of a slot whose replay failed
	 * @param maxBackoff longest back-off
	 * @param drainTimeout time a stopping buffer spends delivering what it holds
	 */
	public WriteBufferSettings(int maxEntries, long maxBytes, Overflow overflow, Duration replayInterval,
			int replayBatchSize, Duration initialBackoff, Duration maxBackoff, Duration drainTimeout) {
		this(maxEntries, maxBytes, overflow, replayInterval, replayBatchSize, initialBackoff, maxBackoff, drainTimeout,
				DEFAULT_WRITE_TIMEOUT);
	}

	/**
	 * The defaults: 10,000 writes or 16 MiB, reject new writes on overflow, replay every
	 * 200 ms in batches of 500, back off from 100 ms to 5 s, drain for up to 5 s on stop.
	 * @return the defaults
	 */
	public static WriteBufferSettings defaults() {
		return new WriteBufferSettings(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES, DEFAULT_OVERFLOW,
				DEFAULT_REPLAY_INTERVAL, DEFAULT_REPLAY_BATCH_SIZE, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF,
				DEFAULT_DRAIN_TIMEOUT, DEFAULT_WRITE_TIMEOUT);
	}

	/**
	 * What happens to a write that would exceed a bound. Either way it is counted and
	 * reported, never dropped silently.
	 */
	public enum Overflow {

		/** The new write is rejected ({@link WriteResult.RejectReason#OVERFLOW}). */
		REJECT_NEW,

		/** The oldest buffered writes are dropped to make room. */
		DROP_OLDEST

	}

}
