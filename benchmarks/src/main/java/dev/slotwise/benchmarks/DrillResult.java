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

import java.util.Arrays;

import dev.slotwise.benchmarks.FailoverDrill.Fault;
import dev.slotwise.benchmarks.FailoverDrill.SystemUnderTest;
import org.HdrHistogram.Histogram;

import static dev.slotwise.benchmarks.DrillLog.BUCKET_MILLIS;

/**
 * One run of one system through one scenario, and the figures the report derives from it.
 *
 * @param system the system
 * @param fault the scenario
 * @param round the round (several for the steady state, interleaved)
 * @param log what the callers saw
 * @param faultBucket the bucket in which the fault began
 * @param faultEndBucket the bucket in which the fault ended (SIGCONT, migration done), or
 * -1
 * @param failoverMillis milliseconds from the fault to the cluster's own failover (the
 * victim's slots owned by its replica in a healthy master's view), or -1
 * @param servedAgainMillis milliseconds from that failover to the first read of the
 * victim's keys answered from Redis, or -1
 * @param acknowledged writes the system acknowledged
 * @param missing acknowledged writes whose value Redis does not hold afterwards
 * @param detail what the fault did (slots migrated), or empty
 */
record DrillResult(SystemUnderTest system, Fault fault, int round, DrillLog log, int faultBucket, int faultEndBucket,
		long failoverMillis, long servedAgainMillis, int acknowledged, long missing, String detail) {

	/** Buckets of the first second are a warm-up. */
	private static final int WARM_UP_BUCKETS = 10;

	double steadyThroughput() {
		return perSecond(this.log.served);
	}

	private double perSecond(long[] counts) {
		long calls = 0;
		for (int i = WARM_UP_BUCKETS; i < this.faultBucket; i++) {
			calls += counts[i];
		}
		return calls * 1000.0 / ((this.faultBucket - WARM_UP_BUCKETS) * BUCKET_MILLIS);
	}

	long errors() {
		long errors = 0;
		for (long failed : this.log.failed) {
			errors += failed;
		}
		return errors;
	}

	/**
	 * The lowest 100 ms bucket after the fault as a share of the steady state, over the
	 * given counts.
	 */
	private double lowestShare(long[] counts) {
		int lowest = lowestBucketAfterFault(counts);
		return shareOfSteady(counts, (lowest < 0) ? Long.MAX_VALUE : counts[lowest]);
	}

	/** Calls in one bucket as a share of the steady state's calls per bucket. */
	private double shareOfSteady(long[] counts, long calls) {
		double steadyPerBucket = perSecond(counts) * BUCKET_MILLIS / 1000.0;
		return (steadyPerBucket == 0) ? Double.NaN : calls / steadyPerBucket;
	}

	/** The bucket after the fault (the last one left out: it may be partial). */
	private int lowestBucketAfterFault(long[] counts) {
		int lowest = -1;
		for (int i = this.faultBucket + 1; i < counts.length - 1; i++) {
			if (lowest < 0 || counts[i] < counts[lowest]) {
				lowest = i;
			}
		}
		return lowest;
	}

	/**
	 * When the healthy masters' keys had their lowest bucket, from the fault: tells a dip
	 * at the fault itself from one at the failover or at the node's return.
	 */
	long lowestHealthyBucketMillisAfterFault() {
		int lowest = lowestBucketAfterFault(this.log.servedHealthy);
		return (lowest < 0) ? -1 : (lowest - this.faultBucket) * BUCKET_MILLIS;
	}

	/**
	 * The healthy masters' keys' lowest 100 ms bucket before the fault (its first second
	 * left out: warm-up), as a share of steady: the machine's own noise, against which
	 * the dips after the fault are to be read.
	 */
	double lowestShareHealthyKeysBeforeFault() {
		long[] counts = this.log.servedHealthy;
		int from = (int) (1000 / BUCKET_MILLIS);
		if (this.faultBucket <= from) {
			return Double.NaN;
		}
		return shareOfSteady(counts, Arrays.stream(counts, from, this.faultBucket).min().getAsLong());
	}

	double lowestShareAllKeys() {
		return lowestShare(this.log.served);
	}

	/** NaN where every key lives on the victim (Redisson's one hash per cache). */
	double lowestShareHealthyKeys() {
		return lowestShare(this.log.servedHealthy);
	}

	private Histogram afterFault() {
		return this.log.latencies(this.faultBucket,
				Math.min(this.log.buckets(), this.faultBucket + (int) (10_000 / BUCKET_MILLIS)));
	}

	double p99AfterFaultMillis() {
		Histogram latencies = afterFault();
		return (latencies.getTotalCount() > 0) ? millisAt(latencies, 99) : Double.NaN;
	}

	String percentilesAfterFault() {
		Histogram latencies = afterFault();
		if (latencies.getTotalCount() == 0) {
			return "no call completed";
		}
		return String.format("%.1f / %.1f / %.1f", millisAt(latencies, 50), millisAt(latencies, 99),
				millisAt(latencies, 99.9));
	}

	private static double millisAt(Histogram latencies, double percentile) {
		return latencies.getValueAtPercentile(percentile) / 1_000.0;
	}

	/**
	 * The end of the first full second after the fault (or after it ended) with at least
	 * 90 % of the steady throughput, in seconds from the fault.
	 */
	String recoverySeconds() {
		double steadyPerSecond = steadyThroughput();
		int from = Math.max(this.faultBucket, this.faultEndBucket);
		int perSecond = (int) (1000 / BUCKET_MILLIS);
		for (int i = from; i + perSecond <= this.log.buckets(); i++) {
			long calls = 0;
			for (int j = i; j < i + perSecond; j++) {
				calls += this.log.served[j];
			}
			if (calls >= 0.9 * steadyPerSecond) {
				return String.format("%.1f", (i + perSecond - this.faultBucket) * BUCKET_MILLIS / 1000.0);
			}
		}
		return "not within the run";
	}

	String failover() {
		if (this.failoverMillis < 0) {
			return "none";
		}
		String servedAgain = (this.servedAgainMillis >= 0) ? String.format("%,d ms", this.servedAgainMillis)
				: "not within the run";
		return String.format("%.1f s / %s", this.failoverMillis / 1000.0, servedAgain);
	}

	/**
	 * Calls served per 100 ms while the fault lasted (its first and last buckets left
	 * out: they are partial), as a share of the steady state before it, over the given
	 * counts; NaN for a fault with no end or shorter than three buckets.
	 */
	private double meanShareDuringFault(long[] counts) {
		int from = this.faultBucket + 1;
		int to = Math.min(this.faultEndBucket, counts.length);
		if (this.faultEndBucket < 0 || to - from < 1) {
			return Double.NaN;
		}
		long calls = 0;
		for (int i = from; i < to; i++) {
			calls += counts[i];
		}
		return shareOfSteady(counts, 1) * calls / (to - from);
	}

	/**
	 * The healthy masters' keys' throughput while the fault lasted, as a share of steady.
	 */
	double meanShareHealthyKeysDuringFault() {
		return meanShareDuringFault(this.log.servedHealthy);
	}

	double meanShareAllKeysDuringFault() {
		return meanShareDuringFault(this.log.served);
	}

	/** The longest call that ended from the fault to the end of the run, in ms. */
	double longestWaitAfterFaultMillis() {
		return this.log.latencies(this.faultBucket, this.log.buckets()).getMaxValue() / 1_000.0;
	}

	/**
	 * The longest call that ended before the fault (the first second left out), in ms.
	 */
	double longestWaitBeforeFaultMillis() {
		return this.log.latencies(WARM_UP_BUCKETS, this.faultBucket).getMaxValue() / 1_000.0;
	}

	String summary() {
		if (this.fault == Fault.STEADY) {
			return String.format("%s round %d / %s: %.0f ops/s", this.fault.title, this.round, this.system.title,
					steadyThroughput());
		}
		String partition = (this.fault != Fault.PARTITION) ? "" : String.format(
				"; during the partition: healthy masters' keys at %.2f of their steady throughput, all keys at %.2f; "
						+ "longest call %.1f ms after the fault (%.1f ms before it)",
				meanShareHealthyKeysDuringFault(), meanShareAllKeysDuringFault(), longestWaitAfterFaultMillis(),
				longestWaitBeforeFaultMillis());
		return baseSummary() + partition;
	}

	private String baseSummary() {
		return String.format(
				"%s / %s: steady %.0f ops/s, %d errors, lowest bucket %.2f of steady (healthy masters' keys %.2f, "
						+ "%d ms after the fault; %.2f before it), "
						+ "%s ms, recovered after %s s, failover / served again %s, %d of %d acknowledged writes "
						+ "missing %s",
				this.fault.title, this.system.title, steadyThroughput(), errors(), lowestShareAllKeys(),
				lowestShareHealthyKeys(), lowestHealthyBucketMillisAfterFault(), lowestShareHealthyKeysBeforeFault(),
				percentilesAfterFault(), recoverySeconds(), failover(), this.missing, this.acknowledged, this.detail);
	}

}
