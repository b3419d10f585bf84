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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.slotwise.benchmarks.ChaosSoak.FaultRecord;
import dev.slotwise.benchmarks.ChaosSoak.Kind;
import dev.slotwise.benchmarks.SoakHistory.Entry;
import dev.slotwise.benchmarks.SoakHistory.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos soak's checker on histories made by hand: each violation it must find, each
 * history it must pass, and Redis's own window counted apart.
 */
class SoakCheckerTests {

	private static final long MS = 1_000_000L;

	private static final int SLOT = 42;

	private final List<Entry> entries = new ArrayList<>();

	private final List<FaultRecord> faults = new ArrayList<>();

	@Test
	void aKeyHoldingItsLastAcknowledgedWritePasses() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 0, 20, 2, "BUFFERED");
		SoakChecker.Report report = check(Map.of("0:1", 2L));
		assertThat(report.passed()).isTrue();
		assertThat(report.acknowledged).isEqualTo(2);
	}

	@Test
	void aKeyHoldingAnOlderValueThanItsLastAcknowledgedWriteIsALoss() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 0, 20, 2, "BUFFERED");
		SoakChecker.Report report = check(Map.of("0:1", 1L));
		assertThat(report.passed()).isFalse();
		assertThat(report.lost).singleElement().asString().contains("PUT #2 BUFFERED", "holds #1");
	}

	@Test
	void aWriteThatWasNeverAcknowledgedMayOrMayNotHaveHappened() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		entries.add(new Entry(Op.ERROR, 0, 20 * MS, 21 * MS, "java.lang.RuntimeException", 0, "timeout"));
		// A later sequence number in Redis: the write that failed was applied after all.
		SoakChecker.Report report = check(Map.of("0:1", 2L));
		assertThat(report.lost).isEmpty();
		assertThat(report.errors).containsEntry("java.lang.RuntimeException: timeout", 1L);
		assertThat(report.passed()).isFalse();
	}

	@Test
	void anEmptyKeyAfterAnAcknowledgedPutIsALossUnlessAnEvictionFollowed() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		assertThat(check(Map.of("0:1", -1L)).lost).hasSize(1);
		write(Op.EVICT, 0, 20, 2, "REJECTED:CLOSED");
		assertThat(check(Map.of("0:1", -1L)).lost).isEmpty();
	}

	@Test
	void aLossRightAfterTheKeysMasterWasKilledIsRedisCountedApart() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		faults.add(new FaultRecord(Kind.MASTER_KILL, "node-0", Set.of(SLOT), 500 * MS, 3_000 * MS, ""));
		SoakChecker.Report report = check(Map.of("0:1", -1L));
		assertThat(report.lost).isEmpty();
		assertThat(report.lostInRedisWindow).singleElement().asString().contains("kill node-0");
		assertThat(report.passed()).isTrue();
	}

	@Test
	void aManualFailoverOrAFaultOnAnotherSlotIsNoExcuse() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		faults.add(new FaultRecord(Kind.MANUAL_FAILOVER, "node-0", Set.of(SLOT), 500 * MS, 1_000 * MS, ""));
		faults.add(new FaultRecord(Kind.MASTER_KILL, "node-1", Set.of(SLOT + 1), 500 * MS, 1_000 * MS, ""));
		assertThat(check(Map.of("0:1", -1L)).lost).hasSize(1);
	}

	@Test
	void anotherInstanceReadingAnOlderValueAfterAWrittenPutIsStale() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 0, 20, 2, "WRITTEN");
		read(2, 30, 1, "OK");
		SoakChecker.Report report = check(Map.of("0:1", 2L));
		assertThat(report.stale).singleElement().asString().contains("instance 2", "found #1", "PUT #2");
	}

	@Test
	void aReadThatBeganBeforeTheWriteReturnedIsNotStale() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		entries.add(new Entry(Op.PUT, 0, 19 * MS, 25 * MS, "0:1", 2, "WRITTEN"));
		read(2, 24, 1, "OK");
		assertThat(check(Map.of("0:1", 2L)).stale).isEmpty();
	}

	@Test
	void theNearCacheInstanceHasItsBoundAndOnlyIt() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 1, 20, 2, "WRITTEN", "1:1");
		// Instance 1 owns key 1:1; instance 0 keeps a near cache, with a 200 ms bound.
		entries.add(new Entry(Op.GET, 0, 150 * MS, 151 * MS, "1:1", -1, "OK"));
		assertThat(check(Map.of("0:1", 1L, "1:1", 2L)).stale).isEmpty();
		entries.add(new Entry(Op.GET, 0, 250 * MS, 251 * MS, "1:1", -1, "OK"));
		assertThat(check(Map.of("0:1", 1L, "1:1", 2L)).stale).hasSize(1);
	}

	@Test
	void aWriteAnotherInstanceBufferedIsNotExpectedBeforeItIsReplayedButTheWriterReadsItsOwn() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 0, 20, 2, "BUFFERED");
		read(2, 30, 1, "OK");
		assertThat(check(Map.of("0:1", 2L)).stale).isEmpty();
		read(0, 30, 1, "OK");
		assertThat(check(Map.of("0:1", 2L)).stale).hasSize(1);
	}

	@Test
	void aDegradedReadIsCountedAndNotCheckedForStaleness() {
		write(Op.PUT, 0, 10, 1, "WRITTEN");
		write(Op.PUT, 0, 20, 2, "WRITTEN");
		read(2, 30, 1, "DEGRADED");
		SoakChecker.Report report = check(Map.of("0:1", 2L));
		assertThat(report.stale).isEmpty();
		assertThat(report.degradedReads).isEqualTo(1);
	}

	@Test
	void moreExactPermitsThanTheBucketHoldsAreOverAdmissionAndDegradedOnesAreNot() {
		// Burst 20, 50 per second: 25 permits within 10 ms is 4 more than the bound of
		// 21.
		for (int i = 0; i < 25; i++) {
			entries.add(new Entry(Op.LIMIT, i % 3, (1000 + i / 3) * MS, (1000 + i / 3) * MS + MS / 2, "subject-0", 0,
					"ALLOWED"));
		}
		for (int i = 0; i < 100; i++) {
			entries.add(new Entry(Op.LIMIT, 1, 1000 * MS, 1001 * MS, "subject-1", 0, "ALLOWED:DEGRADED"));
		}
		SoakChecker.Report report = check(Map.of());
		assertThat(report.overAdmitted).singleElement().asString().contains("subject-0: 25 permits", "allows 21");
		assertThat(report.degradedAllowed).isEqualTo(100);
	}

	@Test
	void permitsAtTheBucketsRatePass() {
		// 20 at once, then one every 20 ms (50 per second) for 10 s.
		for (int i = 0; i < 20; i++) {
			entries.add(new Entry(Op.LIMIT, 0, 1000 * MS, 1000 * MS + MS / 2, "subject-0", 0, "ALLOWED"));
		}
		for (int i = 1; i <= 500; i++) {
			entries.add(new Entry(Op.LIMIT, 0, (1000 + 20 * i) * MS, (1000 + 20 * i) * MS + MS / 2, "subject-0", 0,
					"ALLOWED"));
		}
		assertThat(check(Map.of()).overAdmitted).isEmpty();
	}

	@Test
	void theHistoryReadsBackWhatTheInstanceWroteAndSkipsATornLastLine(@TempDir Path folder) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (SoakHistory.Writer writer = new SoakHistory.Writer(bytes)) {
			writer.record(Op.PUT, 1, 5, 6, "1:7", 99, "BUFFERED");
			writer.error(1, 7, new IllegalStateException("no\nnewline"));
		}
		Path file = folder.resolve("history.tsv");
		Files.write(file, bytes.toByteArray());
		Files.writeString(file, "GET\t1\t8", java.nio.file.StandardOpenOption.APPEND);
		List<Entry> read = SoakHistory.read(file);
		assertThat(read).hasSize(2);
		assertThat(read.get(0)).isEqualTo(new Entry(Op.PUT, 1, 5, 6, "1:7", 99, "BUFFERED"));
		assertThat(read.get(1).key()).isEqualTo(IllegalStateException.class.getName());
		assertThat(read.get(1).result()).isEqualTo("no newline");
	}

	private void write(Op op, int instance, long atMillis, long sequence, String result) {
		write(op, instance, atMillis, sequence, result, "0:1");
	}

	private void write(Op op, int instance, long atMillis, long sequence, String result, String key) {
		this.entries.add(new Entry(op, instance, atMillis * MS, (atMillis + 1) * MS, key, sequence, result));
	}

	private void read(int instance, long atMillis, long found, String result) {
		this.entries.add(new Entry(Op.GET, instance, atMillis * MS, (atMillis + 1) * MS, "0:1", found, result));
	}

	private SoakChecker.Report check(Map<String, Long> finalState) {
		SoakChecker checker = new SoakChecker(this.entries, this.faults,
				(key) -> key.startsWith("subject") ? SLOT + 7 : SLOT, 0, Duration.ofMillis(200), 50,
				Duration.ofSeconds(1), 20);
		return checker.check(finalState);
	}

}
