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

import dev.slotwise.benchmarks.FailoverDrill.Fault;
import dev.slotwise.benchmarks.FailoverDrill.SystemUnderTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * The latency figures of the drill report, from {@link DrillLog}'s histograms.
 */
class DrillResultTests {

	private static final int FAULT_BUCKET = 20;

	@Test
	void percentilesAfterTheFaultCountOnlyTheTenSecondsAfterIt() {
		DrillLog log = new DrillLog(200);
		// Before the fault and after the 10 s window: slow calls that must not count.
		log.record(FAULT_BUCKET - 1, true, false, false, 5_000_000_000L);
		log.record(FAULT_BUCKET + 100, true, false, false, 5_000_000_000L);
		// 1 µs to 20 ms, spread over the window's buckets.
		for (int micros = 1; micros <= 20_000; micros++) {
			log.record(FAULT_BUCKET + micros % 100, true, false, false, micros * 1_000L);
		}
		DrillResult result = result(log);
		// The nearest-rank percentiles of 1..20,000 µs: 10,000, 19,800 and 19,980 µs.
		assertThat(result.percentilesAfterFault()).isEqualTo("10.0 / 19.8 / 20.0");
		assertThat(result.p99AfterFaultMillis()).isCloseTo(19.8, withinPercentage(0.1));
	}

	@Test
	void aWindowWithNoCompletedCallSaysSo() {
		DrillLog log = new DrillLog(200);
		log.record(FAULT_BUCKET - 1, true, false, false, 1_000_000L);
		assertThat(result(log).percentilesAfterFault()).isEqualTo("no call completed");
		assertThat(result(log).p99AfterFaultMillis()).isNaN();
	}

	@Test
	void thePartitionsThroughputIsTheMeanOfItsFullBucketsAgainstTheSteadyStateBeforeIt() {
		DrillLog log = new DrillLog(60);
		// Steady: 10 healthy calls per bucket from the end of the warm-up to the fault.
		for (int bucket = 10; bucket < FAULT_BUCKET; bucket++) {
			record(log, bucket, 10, 2_000_000L);
		}
		// The partition's partial first and last buckets do not count; between them, 6
		// then 8 calls.
		record(log, FAULT_BUCKET, 1, 250_000_000L);
		record(log, FAULT_BUCKET + 1, 6, 1_000_000L);
		record(log, FAULT_BUCKET + 2, 8, 1_000_000L);
		record(log, FAULT_BUCKET + 3, 1, 1_000_000L);
		DrillResult result = new DrillResult(SystemUnderTest.SLOTWISE, Fault.PARTITION, 0, log, FAULT_BUCKET,
				FAULT_BUCKET + 3, -1, -1, 0, 0, "");
		assertThat(result.meanShareHealthyKeysDuringFault()).isCloseTo(0.7, withinPercentage(0.1));
		assertThat(result.longestWaitAfterFaultMillis()).isCloseTo(250, withinPercentage(0.1));
		assertThat(result.longestWaitBeforeFaultMillis()).isCloseTo(2, withinPercentage(0.1));
		assertThat(result(log).meanShareHealthyKeysDuringFault()).as("a fault with no end").isNaN();
	}

	private static void record(DrillLog log, int bucket, int calls, long nanos) {
		for (int i = 0; i < calls; i++) {
			log.record(bucket, true, false, false, nanos);
		}
	}

	private static DrillResult result(DrillLog log) {
		return new DrillResult(SystemUnderTest.SLOTWISE, Fault.SIGKILL, 0, log, FAULT_BUCKET, -1, -1, -1, 0, 0, "");
	}

}
