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

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.slotwise.buffer.WriteBufferJournal.JournalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Unit tests for {@link WriteBufferJournal}: the file format, recovery and locking.
 */
class WriteBufferJournalTests {

	private static final Duration FSYNC = Duration.ofMillis(50);

	@TempDir
	Path directory;

	@Test
	void writesStillHeldAtCloseAreRecoveredInOrderWithTheirLastValue() {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).isEmpty();
			journal.held(put("a", "1", 1_000));
			journal.held(put("b", "2", 0));
			journal.held(delete("c"));
			journal.held(put("a", "1b", 2_000));
			journal.done(key("b"));
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(delete("c"), put("a", "1b", 2_000));
			assertThat(journal.recovered().skippedBytes()).isZero();
		}
	}

	@Test
	void versionedPutsFillsAndPutsThatDeleteFirstKeepTheirFlags() {
		JournalRecord deleteThenPut = new JournalRecord(key("k"), key("v"), true, 42, true);
		JournalRecord fill = new JournalRecord(key("f"), key("loaded"), false, 43, true, true);
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(deleteThenPut);
			journal.held(fill);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(deleteThenPut, fill);
			assertThat(journal.recovered().records()).extracting(JournalRecord::ifAbsent).containsExactly(false, true);
		}
	}

	@Test
	void aTagEvictionIsKeptApartFromAWriteToAKeyOfTheSameBytesAndKeepsItsPlace() {
		JournalRecord eviction = BufferedWrite.deletePrefix(key("orders::{42}")).record();
		assertThat(eviction.prefix()).isTrue();
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("orders::{42}", "before", 0));
			journal.held(eviction);
			journal.held(put("orders::{42}:open", "after", 0));
			journal.held(put("orders::{42}", "after", 0));
			journal.done(key("orders::{42}"), false);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).as("the DONE of the key leaves the eviction")
				.containsExactly(eviction, put("orders::{42}:open", "after", 0));
			assertThat(BufferedWrite.of(journal.recovered().records().get(0)))
				.isEqualTo(BufferedWrite.deletePrefix(key("orders::{42}")));
			journal.done(key("orders::{42}"), true);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("orders::{42}:open", "after", 0));
		}
	}

	@Test
	void aTornLastRecordIsSkippedAndTheRecordsBeforeItAreRecovered() throws IOException {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("a", "1", 0));
			journal.held(put("b", "2", 0));
			journal.held(put("c", "a value long enough to be torn", 0));
		}
		Path file = this.directory.resolve(WriteBufferJournal.FILE_NAME);
		long whole = Files.size(file);
		try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
			raw.setLength(whole - 7);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("a", "1", 0), put("b", "2", 0));
			assertThat(journal.recovered().skippedBytes()).isPositive();
			assertThat(journal.size()).as("the torn tail is cut off").isLessThan(whole - 7);
			journal.held(put("d", "4", 0));
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("a", "1", 0), put("b", "2", 0),
					put("d", "4", 0));
			assertThat(journal.recovered().skippedBytes()).isZero();
		}
	}

	@Test
	void aRecordWhoseChecksumDoesNotMatchEndsTheRead() throws IOException {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("a", "1", 0));
			journal.held(put("b", "2", 0));
		}
		Path file = this.directory.resolve(WriteBufferJournal.FILE_NAME);
		byte[] content = Files.readAllBytes(file);
		content[content.length - 1] ^= 0x55;
		Files.write(file, content);
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("a", "1", 0));
			assertThat(journal.recovered().skippedBytes()).isPositive();
		}
	}

	@Test
	void truncateEmptiesTheJournal() {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("a", "1", 0));
			assertThat(journal.size()).isPositive();
			journal.truncate();
			assertThat(journal.size()).isZero();
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).isEmpty();
		}
	}

	@Test
	void compactKeepsOnlyWhatIsGiven() {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			for (int i = 0; i < 100; i++) {
				journal.held(put("a", "value " + i, 0));
			}
			long before = journal.size();
			journal.compact(java.util.List.of(put("a", "value 99", 0)));
			assertThat(journal.size()).isLessThan(before / 50);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("a", "value 99", 0));
		}
	}

	@Test
	void aCompactionInterruptedWhileCopiedInPlaceIsFinishedAtTheNextOpen() throws IOException {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("a", "1", 0));
			journal.held(put("b", "2", 0));
			journal.held(put("a", "1b", 0));
		}
		// What a crash leaves when it strikes while compact() overwrites the journal
		// file:
		// the complete, renamed compaction beside a journal file cut short.
		Path file = this.directory.resolve(WriteBufferJournal.FILE_NAME);
		Path compacted = this.directory.resolve(WriteBufferJournal.FILE_NAME + ".compacted");
		Files.copy(file, compacted);
		try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
			raw.setLength(5);
		}
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("b", "2", 0), put("a", "1b", 0));
			assertThat(journal.recovered().skippedBytes()).isZero();
		}
		assertThat(compacted).doesNotExist();
	}

	@Test
	void aCompactionInterruptedBeforeItWasCompleteIsIgnored() throws IOException {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			journal.held(put("a", "1", 0));
		}
		Path compacting = this.directory.resolve(WriteBufferJournal.FILE_NAME + ".compacting");
		Files.write(compacting, new byte[] { 0, 0, 0, 9, 1, 2 });
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(journal.recovered().records()).containsExactly(put("a", "1", 0));
			journal.compact(java.util.List.of(put("a", "1", 0)));
		}
		assertThat(compacting).doesNotExist();
		assertThat(this.directory.resolve(WriteBufferJournal.FILE_NAME + ".compacted")).doesNotExist();
	}

	@Test
	void aJournalInUseCannotBeOpenedTwice() {
		try (WriteBufferJournal journal = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThatIllegalStateException().isThrownBy(() -> WriteBufferJournal.open(this.directory, FSYNC))
				.withMessageContaining(journal.file().toString())
				.withMessageContaining("slotwise.write-buffer.journal.directory");
		}
		try (WriteBufferJournal reopened = WriteBufferJournal.open(this.directory, FSYNC)) {
			assertThat(reopened.recovered().records()).isEmpty();
		}
	}

	@Test
	void aDirectoryThatCannotBeCreatedIsAClearError() throws IOException {
		Path file = Files.writeString(this.directory.resolve("not-a-directory"), "x");
		org.assertj.core.api.Assertions.assertThatExceptionOfType(java.io.UncheckedIOException.class)
			.isThrownBy(() -> WriteBufferJournal.open(file.resolve("journal"), FSYNC))
			.withMessageContaining(file.resolve("journal").toString())
			.withMessageContaining("slotwise.write-buffer.journal.directory");
	}

	@Test
	void theFsyncIntervalMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> WriteBufferJournal.open(this.directory, Duration.ZERO))
			.withMessageContaining("PT0S");
	}

	private static byte[] key(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static JournalRecord put(String key, String value, long deadline) {
		return new JournalRecord(key(key), key(value), false, deadline, false);
	}

	private static JournalRecord delete(String key) {
		return new JournalRecord(key(key), null, true, 0, false);
	}

}
