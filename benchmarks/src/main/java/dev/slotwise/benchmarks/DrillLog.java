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
import java.util.Arrays;
import java.util.List;

/**
 * What the drill's callers saw, per 100 ms bucket: calls served and failed, calls served
 * on the healthy masters' keys, calls on the victim's keys answered from Redis, and every
 * call's latency.
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

	private final List<long[]> latencies = new ArrayList<>();

	private final int[] sizes;

	DrillLog(int buckets) {
		this.served = new long[buckets];
		this.failed = new long[buckets];
		this.servedHealthy = new long[buckets];
		this.victimHits = new long[buckets];
		this.sizes = new int[buckets];
		for (int i = 0; i < buckets; i++) {
			this.latencies.add(new long[256]);
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
		long[] values = this.latencies.get(bucket);
		if (this.sizes[bucket] == values.length) {
			values = Arrays.copyOf(values, values.length * 2);
			this.latencies.set(bucket, values);
		}
		values[this.sizes[bucket]++] = nanos;
	}

	synchronized long[] sortedLatencies(int from, int to) {
		int total = 0;
		for (int i = from; i < to; i++) {
			total += this.sizes[i];
		}
		long[] all = new long[total];
		int at = 0;
		for (int i = from; i < to; i++) {
			System.arraycopy(this.latencies.get(i), 0, all, at, this.sizes[i]);
			at += this.sizes[i];
		}
		Arrays.sort(all);
		return all;
	}

}
