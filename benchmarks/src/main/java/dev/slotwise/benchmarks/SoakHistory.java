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

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ChaosSoak}'s history: one line per operation, tab-separated, written by each
 * instance to its own file and read back by the checker.
 * <p>
 * An operation's line is {@code op instance start end key sequence result}: the start and
 * end are {@link System#nanoTime()} readings, which on Linux come from the same monotonic
 * clock in every process of the machine, so the lines of all instances and the runner's
 * faults order against one another. A line is written with one unbuffered
 * {@code write(2)} as soon as the operation returns, so a SIGKILL of the instance loses
 * only the operations in flight, which the checker treats as never acknowledged.
 * <p>
 * The values the instances write carry a sequence number, which grows for every write of
 * an instance and across its restarts; a read's line carries the sequence number of the
 * value it returned ({@code -1} for none).
 */
final class SoakHistory {

	private SoakHistory() {
	}

	/** What an operation was. */
	enum Op {

		/** {@code Cache.put} of the value {@code instance:sequence}. */
		PUT,

		/** {@code Cache.evict}. */
		EVICT,

		/** {@code WriteBuffer.setVersioned} of the value {@code sequence}. */
		BSET,

		/** {@code Cache.get}: the sequence number of the value found, -1 for none. */
		GET,

		/** {@code RateLimiter.tryAcquire} on a shared subject. */
		LIMIT,

		/** An exception a caller saw; the key column holds its class. */
		ERROR,

		/** The instance's counters, every second and once at the end. */
		METRICS

	}

	static String cacheKey(int instance, int key) {
		return instance + ":" + key;
	}

	static String bufferKey(int instance, int key) {
		return "soak:buffer:" + instance + ":" + key;
	}

	/**
	 * The sequence number a value carries: {@code instance:sequence} for the cache,
	 * {@code sequence} for the buffer.
	 */
	static long sequenceOf(String value) {
		return Long.parseLong(value.substring(value.indexOf(':') + 1));
	}

	/**
	 * One operation, as read back.
	 *
	 * @param op what it was
	 * @param instance the instance that made it
	 * @param start when it began (nanoTime)
	 * @param end when it returned (nanoTime)
	 * @param key the key, subject or exception class
	 * @param sequence the value's sequence number
	 * @param result what it returned
	 */
	record Entry(Op op, int instance, long start, long end, String key, long sequence, String result) {

		boolean written() {
			return this.result.equals("WRITTEN");
		}

		boolean acknowledged() {
			return this.result.equals("WRITTEN") || this.result.equals("BUFFERED");
		}

		/** For METRICS lines: the counters, in the order {@link Writer#metrics} wrote. */
		long counter(int index) {
			return Long.parseLong(this.result.split(" ")[index]);
		}

	}

	static List<Entry> read(Path file) throws IOException {
		List<Entry> entries = new ArrayList<>();
		for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			String[] fields = line.split("\t", 7);
			if (fields.length < 7) {
				// The last line of an instance killed while writing it.
				continue;
			}
			entries.add(new Entry(Op.valueOf(fields[0]), Integer.parseInt(fields[1]), Long.parseLong(fields[2]),
					Long.parseLong(fields[3]), fields[4], Long.parseLong(fields[5]), fields[6]));
		}
		return entries;
	}

	/** Writes an instance's history. */
	static final class Writer implements Closeable {

		private final OutputStream out;

		Writer(OutputStream out) {
			this.out = out;
		}

		void record(Op op, int instance, long start, long end, String key, long sequence, String result) {
			write(op + "\t" + instance + "\t" + start + "\t" + end + "\t" + key + "\t" + sequence + "\t" + result
					+ "\n");
		}

		void error(int instance, long start, Exception ex) {
			String message = String.valueOf(ex.getMessage()).replaceAll("\\s+", " ");
			record(Op.ERROR, instance, start, System.nanoTime(), ex.getClass().getName(), 0, message);
		}

		void metrics(int instance, long at, long ops, long degradedReads, long buffered, long replayed, long dropped,
				String droppedByReason) {
			record(Op.METRICS, instance, at, at, "-", 0, ops + " " + degradedReads + " " + buffered + " " + replayed
					+ " " + dropped + " " + droppedByReason);
		}

		private synchronized void write(String line) {
			try {
				this.out.write(line.getBytes(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.out.close();
		}

	}

}
