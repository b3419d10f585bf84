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

package dev.slotwise.benchmarks;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What the drill's callers saw, per 100 ms bucket: calls served and failed, calls served
 * on the healthy masters' keys, calls on the victim's keys answered from Redis, and the
 * calls' latencies (an HdrHistogram per bucket, in microseconds, three significant
 * digits).
 */
final class DrillLog {

	static final long BUCKET_MILLIS = 100;

	final long[] served;

	final long[] failed;

	/** Calls served on keys whose master is not the victim. */
	final long[] servedHealthy;

	/**
	 * Reads of the victim's keys answered from Redis: a hit, on a key not written since
	 * the fault (so not read back from a write buffer).
	 */
	final long[] victimHits;

	/** Int counts: a bucket holds at most a few thousand calls; it halves the memory. */
	private final List<IntCountsHistogram> latencies = new ArrayList<>();

	DrillLog(int buckets) {
		this.served = new long[buckets];
		this.failed = new long[buckets];
		this.servedHealthy = new long[buckets];
		this.victimHits = new long[buckets];
		for (int i = 0; i < buckets; i++) {
			this.latencies.add(new IntCountsHistogram(3));
		}
	}

	int buckets() {
		return this.served.length;
	}

	synchronized void record(int bucket, boolean ok, boolean victimKey, boolean victimHit, long nanos) {
		if (ok) {
			this.served[bucket]++;
			if (!victimKey) {
				this.servedHealthy[bucket]++;
			}
		}
		else {
			this.failed[bucket]++;
		}
		if (victimHit) {
			this.victimHits[bucket]++;
		}
		this.latencies.get(bucket).recordValue(Math.max(0, nanos / 1_000));
	}

	/**
	 * The latencies of the calls that ended in some buckets.
	 * @param from the first bucket
	 * @param to the bucket after the last
	 * @return a new histogram, in microseconds
	 */
	synchronized Histogram latencies(int from, int to) {
		Histogram all = new Histogram(3);
		for (int i = from; i < to; i++) {
			all.add(this.latencies.get(i));
		}
		return all;
	}

}
