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

import java.time.Duration;

/**
 * Settings of a {@link HotSlotDetector}.
 *
 * @param window how far back commands are counted (positive)
 * @param buckets how many buckets the window is split into; the window slides by one
 * bucket ({@code window / buckets}) at a time, which is also how often slots are
 * evaluated (at least 1)
 * @param threshold a slot is hot when its share of the window's commands is at least this
 * many times the mean share of the active slots (slots with at least one command); more
 * than 1. With {@code n} active slots the mean share is {@code 1/n}, so no slot can be
 * hot while fewer than {@code threshold} slots are active.
 * @param minCommands the fewest commands in the window before any slot is reported hot,
 * so that an idle application raises no alert (0 or more)
 * @param topKeys how many of a hot slot's hottest keys are kept (0 or more)
 * @param keySampleRate one in this many commands to a hot slot has its key sampled (at
 * least 1)
 * @param serverViewInterval how often INFO is read from every master and
 * {@code CLUSTER COUNTKEYSINSLOT} from the masters of hot slots (positive)
 */
public record HotSlotSettings(Duration window, int buckets, double threshold, long minCommands, int topKeys,
		int keySampleRate, Duration serverViewInterval) {

	/** The default window: 10 s. */
	public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

	/** The default number of buckets: 10 (the window slides by 1 s). */
	public static final int DEFAULT_BUCKETS = 10;

	/** The default threshold: 10 times the mean share of the active slots. */
	public static final double DEFAULT_THRESHOLD = 10;

	/** The default minimum number of commands in the window: 1,000. */
	public static final long DEFAULT_MIN_COMMANDS = 1000;

	/** The default number of top keys per hot slot: 5. */
	public static final int DEFAULT_TOP_KEYS = 5;

	/** The default key sample rate: one in 16 commands to a hot slot. */
	public static final int DEFAULT_KEY_SAMPLE_RATE = 16;

	/** The default server view interval: 10 s. */
	public static final Duration DEFAULT_SERVER_VIEW_INTERVAL = Duration.ofSeconds(10);

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException naming the value that is out of range
	 */
	public HotSlotSettings {
		if (window == null || window.isZero() || window.isNegative()) {
			throw new IllegalArgumentException("window must be a positive duration, was " + window);
		}
		if (buckets < 1) {
			throw new IllegalArgumentException("buckets must be at least 1, was " + buckets);
		}
		if (window.dividedBy(buckets).toMillis() < 1) {
			throw new IllegalArgumentException(
					"window / buckets must be at least 1 ms, was " + window + " / " + buckets + "; use fewer buckets");
		}
		if (!(threshold > 1)) {
			throw new IllegalArgumentException("threshold must be more than 1 (times the mean share), was " + threshold
					+ "; a threshold of 1 or less would report an evenly spread load as hot");
		}
		if (minCommands < 0) {
			throw new IllegalArgumentException("minCommands must be 0 or more, was " + minCommands);
		}
		if (topKeys < 0) {
			throw new IllegalArgumentException("topKeys must be 0 or more, was " + topKeys);
		}
		if (keySampleRate < 1) {
			throw new IllegalArgumentException(
					"keySampleRate must be at least 1 (every command), was " + keySampleRate);
		}
		if (serverViewInterval == null || serverViewInterval.isZero() || serverViewInterval.isNegative()) {
			throw new IllegalArgumentException(
					"serverViewInterval must be a positive duration, was " + serverViewInterval);
		}
	}

	/**
	 * The default settings.
	 * @return the defaults
	 */
	public static HotSlotSettings defaults() {
		return new HotSlotSettings(DEFAULT_WINDOW, DEFAULT_BUCKETS, DEFAULT_THRESHOLD, DEFAULT_MIN_COMMANDS,
				DEFAULT_TOP_KEYS, DEFAULT_KEY_SAMPLE_RATE, DEFAULT_SERVER_VIEW_INTERVAL);
	}

	/**
	 * How long one bucket lasts: how often the window slides and slots are evaluated.
	 * @return {@code window / buckets}
	 */
	public Duration bucket() {
		return this.window.dividedBy(this.buckets);
	}

}
