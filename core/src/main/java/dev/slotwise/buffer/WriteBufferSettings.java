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
 */
public record WriteBufferSettings(int maxEntries, long maxBytes, Overflow overflow, Duration replayInterval,
		int replayBatchSize, Duration initialBackoff, Duration maxBackoff, Duration drainTimeout) {

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
	}

	/**
	 * The defaults: 10,000 writes or 16 MiB, reject new writes on overflow, replay every
	 * 200 ms in batches of 500, back off from 100 ms to 5 s, drain for up to 5 s on stop.
	 * @return the defaults
	 */
	public static WriteBufferSettings defaults() {
		return new WriteBufferSettings(10_000, 16L * 1024 * 1024, Overflow.REJECT_NEW, Duration.ofMillis(200), 500,
				Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(5));
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
