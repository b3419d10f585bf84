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

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

import dev.slotwise.benchmarks.SoakHistory.Entry;
import dev.slotwise.benchmarks.SoakHistory.Op;

/**
 * Checks a {@link ChaosSoak}'s history against what Slotwise promises:
 * <ul>
 * <li><b>acknowledged writes lost</b>: a key's last acknowledged write (a put, an
 * eviction, a buffered write that returned {@code WRITTEN} or {@code BUFFERED}) whose
 * effect is not what the key holds at the end, nor overtaken by a later write of the same
 * key;</li>
 * <li><b>stale reads</b>: a read, not marked degraded, that returned a value older than a
 * write of its key that was in Redis before the read began: written ({@code WRITTEN}) by
 * another instance more than the reader's staleness bound earlier (0 without a near
 * cache, {@code max-staleness} with one), or acknowledged in any way by the reading
 * instance itself (read your writes). A write another instance buffered becomes visible
 * only once it is replayed, which the history does not record: reads are not checked
 * against it;</li>
 * <li><b>rate-limit over-admission</b>: more permits, in decisions not marked degraded,
 * than the token bucket allows over any stretch of time: burst + rate × length (+ 1 for
 * the rounding), with the stretch measured from the first call's start to the last call's
 * end, which holds the server's own decision times;</li>
 * <li><b>caller-visible errors</b>, and the buffer's drops by reason.</li>
 * </ul>
 * A loss, a stale read or an over-admission whose write or decisions fall within a second
 * of a fault that took the key's master out of the cluster (a SIGKILL, a hang past the
 * node timeout) is counted apart, as Redis Cluster's own window: replication is
 * asynchronous, and a failover can lose what the old master acknowledged last.
 */
final class SoakChecker {

	/** How far from a fault a write still counts as in Redis's replication window. */
	static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

	private final List<Entry> entries;

	private final List<ChaosSoak.FaultRecord> faults;

	private final ToIntFunction<String> slotOf;

	private final int nearInstance;

	private final long nearBoundNanos;

	private final long permits;

	private final long burst;

	private final long windowNanos;

	SoakChecker(List<Entry> entries, List<ChaosSoak.FaultRecord> faults, ToIntFunction<String> slotOf, int nearInstance,
			Duration nearBound, long permits, Duration window, long burst) {
		this.entries = entries;
		this.faults = faults;
		this.slotOf = slotOf;
		this.nearInstance = nearInstance;
		this.nearBoundNanos = nearBound.toNanos();
		this.permits = permits;
		this.burst = burst;
		this.windowNanos = window.toNanos();
	}

	/**
	 * Check the history.
	 * @param finalState each written key's sequence number at the end, -1 for none
	 * @return what the checker found
	 */
	Report check(Map<String, Long> finalState) {
		Report report = new Report();
		Map<String, List<Entry>> writes = new HashMap<>();
		for (Entry entry : this.entries) {
			switch (entry.op()) {
				case PUT, EVICT, BSET -> writes.computeIfAbsent(entry.key(), (key) -> new ArrayList<>()).add(entry);
				case ERROR -> report.errors.merge(entry.key() + ": " + abbreviate(entry.result()), 1L, Long::sum);
				default -> {
				}
			}
		}
		writes.values().forEach((list) -> list.sort(Comparator.comparingLong(Entry::sequence)));
		checkLosses(writes, finalState, report);
		checkReads(writes, report);
		checkLimits(report);
		countOperations(report);
		return report;
	}

	private void checkLosses(Map<String, List<Entry>> writes, Map<String, Long> finalState, Report report) {
		writes.forEach((key, list) -> {
			Entry last = null;
			for (Entry write : list) {
				if (write.acknowledged()) {
					last = write;
					report.acknowledged++;
				}
			}
			if (last == null) {
				return;
			}
			long held = finalState.getOrDefault(key, -1L);
			boolean kept;
			if (held >= 0) {
				kept = held >= last.sequence();
			}
			else {
				// Nothing held: an eviction at or after the last acknowledged write took
				// it
				// (an eviction that failed or was in flight may still have been applied).
				long lastSequence = last.sequence();
				kept = list.stream().anyMatch((write) -> write.op() == Op.EVICT && write.sequence() >= lastSequence);
			}
			if (!kept) {
				String evidence = key + " (slot " + this.slotOf.applyAsInt(key) + "): " + last.op() + " #"
						+ last.sequence() + " " + last.result() + " by instance " + last.instance() + " at "
						+ ChaosSoak.at(last.end()) + ", the key holds " + ((held >= 0) ? "#" + held : "nothing");
				ChaosSoak.FaultRecord fault = faultNear(key, last.end(), last.end());
				if (fault != null) {
					report.lostInRedisWindow.add(evidence + "; " + fault.describe());
				}
				else {
					report.lost.add(evidence);
				}
			}
		});
	}

	private void checkReads(Map<String, List<Entry>> writes, Report report) {
		Map<String, List<Entry>> visibleToOwner = new HashMap<>();
		Map<String, List<Entry>> visibleToOthers = new HashMap<>();
		writes.forEach((key, list) -> {
			visibleToOwner.put(key, list.stream().filter(Entry::acknowledged).toList());
			visibleToOthers.put(key, list.stream().filter(Entry::written).toList());
		});
		for (Entry read : this.entries) {
			if (read.op() != Op.GET) {
				continue;
			}
			report.reads++;
			if (read.result().equals("DEGRADED")) {
				report.degradedReads++;
				continue;
			}
			List<Entry> list = writes.get(read.key());
			if (list == null) {
				continue;
			}
			// One thread writes a key: its writes end in the order of their sequence
			// numbers.
			boolean own = list.get(0).instance() == read.instance();
			long bound = (!own && read.instance() == this.nearInstance) ? this.nearBoundNanos : 0;
			Entry latest = latestBefore(own ? visibleToOwner.get(read.key()) : visibleToOthers.get(read.key()),
					read.start() - bound);
			if (latest == null) {
				continue;
			}
			long found = read.sequence();
			boolean stale;
			if (found >= 0) {
				stale = found < latest.sequence();
			}
			else if (latest.op() == Op.EVICT) {
				stale = false;
			}
			else {
				long after = latest.sequence();
				stale = list.stream()
					.noneMatch((write) -> write.op() == Op.EVICT && write.sequence() > after
							&& write.start() < read.end());
			}
			if (stale) {
				String evidence = "instance " + read.instance() + " read " + read.key() + " at "
						+ ChaosSoak.at(read.start()) + " and found " + ((found >= 0) ? "#" + found : "nothing")
						+ " after " + latest.op() + " #" + latest.sequence() + " by instance " + latest.instance()
						+ " returned at " + ChaosSoak.at(latest.end());
				ChaosSoak.FaultRecord fault = faultNear(read.key(), latest.end(), read.start());
				if (fault != null) {
					report.staleInRedisWindow.add(evidence + "; " + fault.describe());
				}
				else {
					report.stale.add(evidence);
				}
			}
		}
	}

	/** The last write that returned before the given time, if any. */
	private static Entry latestBefore(List<Entry> writes, long before) {
		int low = 0;
		int high = writes.size() - 1;
		Entry latest = null;
		while (low <= high) {
			int middle = (low + high) >>> 1;
			if (writes.get(middle).end() < before) {
				latest = writes.get(middle);
				low = middle + 1;
			}
			else {
				high = middle - 1;
			}
		}
		return latest;
	}

	private void checkLimits(Report report) {
		Map<String, List<Entry>> allowed = new TreeMap<>();
		for (Entry entry : this.entries) {
			if (entry.op() != Op.LIMIT) {
				continue;
			}
			report.decisions++;
			if (entry.result().endsWith(":DEGRADED")) {
				report.degradedDecisions++;
				if (entry.result().startsWith("ALLOWED")) {
					report.degradedAllowed++;
				}
			}
			else if (entry.result().equals("ALLOWED")) {
				allowed.computeIfAbsent(entry.key(), (subject) -> new ArrayList<>()).add(entry);
			}
		}
		allowed.forEach((subject, list) -> {
			list.sort(Comparator.comparingLong(Entry::start));
			long worst = 0;
			String worstEvidence = null;
			boolean inRedisWindow = false;
			for (int i = 0; i < list.size(); i++) {
				long from = list.get(i).start();
				long to = list.get(i).end();
				for (int j = i; j < list.size() && list.get(j).start() - from <= 5 * this.windowNanos; j++) {
					to = Math.max(to, list.get(j).end());
					long count = j - i + 1;
					long bound = this.burst + (this.permits * (to - from)) / this.windowNanos + 1;
					if (count - bound > worst) {
						worst = count - bound;
						worstEvidence = subject + ": " + count + " permits from " + ChaosSoak.at(from) + " to "
								+ ChaosSoak.at(to) + ", where the bucket allows " + bound;
						inRedisWindow = faultNear(subject, from, to) != null;
					}
				}
			}
			if (worstEvidence != null) {
				(inRedisWindow ? report.overAdmittedInRedisWindow : report.overAdmitted).add(worstEvidence);
			}
		});
	}

	private void countOperations(Report report) {
		// Each instance's counters start again at 0 when it restarts: add up each run's
		// last.
		Map<Integer, long[]> last = new HashMap<>();
		Map<Integer, long[]> total = new HashMap<>();
		for (Entry entry : this.entries) {
			if (entry.op() == Op.ERROR || entry.op() == Op.METRICS) {
				if (entry.op() == Op.METRICS) {
					long[] now = { entry.counter(0), entry.counter(2), entry.counter(3), entry.counter(4) };
					long[] before = last.get(entry.instance());
					if (before != null && now[0] < before[0]) {
						add(total.computeIfAbsent(entry.instance(), (i) -> new long[4]), before);
					}
					last.put(entry.instance(), now);
				}
				continue;
			}
			report.operations++;
		}
		last.forEach((instance, counters) -> add(total.computeIfAbsent(instance, (i) -> new long[4]), counters));
		for (long[] counters : total.values()) {
			report.buffered += counters[1];
			report.replayed += counters[2];
			report.dropped += counters[3];
		}
	}

	private static void add(long[] into, long[] counters) {
		for (int i = 0; i < into.length; i++) {
			into[i] += counters[i];
		}
	}

	/**
	 * A fault that took out the master of the key's slot within a second of the given
	 * stretch, if any.
	 */
	private ChaosSoak.FaultRecord faultNear(String key, long from, long to) {
		int slot = this.slotOf.applyAsInt(key);
		for (ChaosSoak.FaultRecord fault : this.faults) {
			if (fault.losesReplication() && fault.slots().contains(slot) && fault.start() - WINDOW_NANOS <= to
					&& from <= fault.end() + WINDOW_NANOS) {
				return fault;
			}
		}
		return null;
	}

	private static String abbreviate(String message) {
		return (message.length() > 160) ? message.substring(0, 160) + "…" : message;
	}

	/** What the checker found. */
	static final class Report {

		long operations;

		long acknowledged;

		long reads;

		long degradedReads;

		long decisions;

		long degradedDecisions;

		long degradedAllowed;

		long buffered;

		long replayed;

		long dropped;

		final Map<String, Long> errors = new LinkedHashMap<>();

		final List<String> lost = new ArrayList<>();

		final List<String> lostInRedisWindow = new ArrayList<>();

		final List<String> stale = new ArrayList<>();

		final List<String> staleInRedisWindow = new ArrayList<>();

		final List<String> overAdmitted = new ArrayList<>();

		final List<String> overAdmittedInRedisWindow = new ArrayList<>();

		long errorCount() {
			return this.errors.values().stream().mapToLong(Long::longValue).sum();
		}

		/** Whether Slotwise kept every promise (Redis's own window aside). */
		boolean passed() {
			return errorCount() == 0 && this.lost.isEmpty() && this.stale.isEmpty() && this.overAdmitted.isEmpty();
		}

		Map<String, String> figures() {
			Map<String, String> figures = new LinkedHashMap<>();
			figures.put("caller-visible errors", Long.toString(errorCount()));
			figures.put("acknowledged writes lost", this.lost.size() + " of " + this.acknowledged);
			figures.put("acknowledged writes lost in Redis's replication window",
					Integer.toString(this.lostInRedisWindow.size()));
			figures.put("stale reads beyond the bound", this.stale.size() + " of " + this.reads);
			figures.put("stale reads in Redis's replication window", Integer.toString(this.staleInRedisWindow.size()));
			figures.put("rate-limit subjects over-admitted", this.overAdmitted.size() + " of " + SoakInstance.SUBJECTS);
			figures.put("rate-limit subjects over-admitted in Redis's replication window",
					Integer.toString(this.overAdmittedInRedisWindow.size()));
			figures.put("operations", Long.toString(this.operations));
			figures.put("degraded reads (the last value seen, by design)", Long.toString(this.degradedReads));
			figures.put("limiter decisions (degraded: decided in memory, allowed of them)",
					this.decisions + " (" + this.degradedDecisions + ", " + this.degradedAllowed + ")");
			figures.put("writes buffered / replayed / dropped",
					this.buffered + " / " + this.replayed + " / " + this.dropped);
			return figures;
		}

		String describe() {
			StringBuilder text = new StringBuilder();
			figures().forEach((name, value) -> text.append(String.format("  %-66s %s%n", name, value)));
			section(text, "errors",
					this.errors.entrySet().stream().map((e) -> e.getValue() + " × " + e.getKey()).toList());
			section(text, "lost", this.lost);
			section(text, "lost in Redis's window", this.lostInRedisWindow);
			section(text, "stale", this.stale);
			section(text, "stale in Redis's window", this.staleInRedisWindow);
			section(text, "over-admitted", this.overAdmitted);
			section(text, "over-admitted in Redis's window", this.overAdmittedInRedisWindow);
			return text.toString();
		}

		private static void section(StringBuilder text, String title, List<String> lines) {
			if (lines.isEmpty()) {
				return;
			}
			text.append("  ").append(title).append(" (").append(lines.size()).append("):\n");
			lines.stream().limit(10).forEach((line) -> text.append("    ").append(line).append('\n'));
		}

	}

}
