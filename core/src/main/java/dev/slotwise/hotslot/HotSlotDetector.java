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

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.slotwise.support.LettuceCommands;
import dev.slotwise.support.NodeInfo;
import dev.slotwise.support.PeriodicTask;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.event.command.CommandListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Finds hot slots: slots that take far more than their share of the commands this
 * application instance sends. Register {@link #commandListener()} with the Lettuce client
 * before it opens connections; the detector then, on its own daemon thread
 * ({@code slotwise-hot-slots}, started and stopped as a {@link SmartLifecycle}), every
 * {@link HotSlotSettings#bucket() bucket}:
 * <ol>
 * <li>slides the window: the counts of the bucket that leaves are subtracted, the
 * listener's counts since the last bucket are added;</li>
 * <li>ranks slots by their share of the window's keyed commands;</li>
 * <li>finds hot slots: share at least {@code threshold} times the mean share of the
 * active slots, with at least {@code minCommands} commands in the window. A slot stays
 * hot until its ratio falls below three quarters of the threshold, so that a slot near
 * the line does not raise an alert on every evaluation;</li>
 * <li>for a slot that just became hot: names its master (from the client's view of the
 * topology), counts an alert, logs a warning and hands a {@link HotSlotEvent} to the
 * alert listener, once; from then on keys of the slot are sampled for its top keys.</li>
 * </ol>
 * Every {@code serverViewInterval}, and at once when a slot becomes hot, it also reads
 * each master's {@code INFO} (ops/s, used memory) and {@code CLUSTER COUNTKEYSINSLOT} of
 * each hot slot from its master. {@link #snapshot()} returns all of it as an immutable
 * {@link HotSlotSnapshot}.
 *
 * <p>
 * Memory: the window holds {@code buckets × 16384} longs (1.3 MiB for 10 buckets), the
 * listener {@code 2 × stripes × 128 KiB} and 128 KiB of key samples. Counts are this
 * instance's traffic only; the masters' INFO shows everyone's.
 *
 * <p>
 * Usable without Spring Boot: construct it, register the listener, call {@link #start()}
 * (or drive it with {@link #advance()} and {@link #refreshServerView()}).
 */
public class HotSlotDetector implements SmartLifecycle {

	/** How many of the busiest slots a snapshot ranks. */
	public static final int RANKED_SLOTS = 16;

	/** A hot slot cools down when its ratio falls below this part of the threshold. */
	static final double COOL_DOWN = 0.75;

	private static final Log logger = LogFactory.getLog(HotSlotDetector.class);

	private static final int SLOTS = HotSlotCounter.SLOTS;

	/** How long {@link #stop()} waits for an evaluation in progress. */
	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(1);

	private final HotSlotSettings settings;

	private final HotSlotCounter counter;

	private final @Nullable RedisConnectionFactory connectionFactory;

	private final Consumer<HotSlotEvent> alertListener;

	private final Clock clock;

	private final long[][] buckets;

	private final long[] window = new long[SLOTS];

	private int bucket;

	private final Map<Integer, HotState> hot = new LinkedHashMap<>();

	private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT);

	private final AtomicLong commands = new AtomicLong();

	private final AtomicLong alerts = new AtomicLong();

	private volatile WindowView view;

	private volatile ServerView serverView = ServerView.NONE;

	private volatile boolean serverViewDue;

	private volatile boolean lastServerViewFailed;

	private final PeriodicTask evaluator;

	/** When the server view is next due ({@link System#nanoTime()}). */
	private volatile long nextServerView;

	/**
	 * Create a detector that uses the system clock.
	 * @param settings the settings
	 * @param connectionFactory the cluster connection factory, for masters' addresses and
	 * the server view; {@code null} to count and rank slots only
	 * @param alertListener receives an event each time a slot becomes hot, on the
	 * detector's thread
	 */
	public HotSlotDetector(HotSlotSettings settings, @Nullable RedisConnectionFactory connectionFactory,
			Consumer<HotSlotEvent> alertListener) {
		this(settings, connectionFactory, alertListener, Clock.systemUTC());
	}

	/**
	 * Create a detector.
	 * @param settings the settings
	 * @param connectionFactory the cluster connection factory, for masters' addresses and
	 * the server view; {@code null} to count and rank slots only
	 * @param alertListener receives an event each time a slot becomes hot, on the
	 * detector's thread
	 * @param clock the clock for the times in snapshots and events
	 */
	public HotSlotDetector(HotSlotSettings settings, @Nullable RedisConnectionFactory connectionFactory,
			Consumer<HotSlotEvent> alertListener, Clock clock) {
		this.settings = Objects.requireNonNull(settings, "settings must not be null");
		this.connectionFactory = connectionFactory;
		this.alertListener = Objects.requireNonNull(alertListener, "alertListener must not be null");
		this.clock = Objects.requireNonNull(clock, "clock must not be null");
		this.counter = new HotSlotCounter(settings.keySampleRate());
		this.buckets = new long[settings.buckets()][SLOTS];
		this.view = new WindowView(clock.instant(), 0, 0, List.of(), List.of());
		this.evaluator = new PeriodicTask("slotwise-hot-slots", settings.bucket(), settings.bucket(),
				PeriodicTask.Pacing.FIXED_RATE, this::step);
	}

	/**
	 * The listener to register with the Lettuce client
	 * ({@link io.lettuce.core.AbstractRedisClient#addListener(CommandListener)}), before
	 * the client opens connections.
	 * @return the listener that counts commands for this detector
	 */
	public HotSlotCounter commandListener() {
		return this.counter;
	}

	/**
	 * The settings.
	 * @return the settings
	 */
	public HotSlotSettings settings() {
		return this.settings;
	}

	/**
	 * What the detector saw at its last evaluation, with the last server view.
	 * @return an immutable snapshot
	 */
	public HotSlotSnapshot snapshot() {
		WindowView window = this.view;
		ServerView server = this.serverView;
		List<HotSlot> hotSlots = new ArrayList<>(window.hotSlots().size());
		for (HotSlot slot : window.hotSlots()) {
			hotSlots.add(new HotSlot(slot.slot(), slot.commands(), slot.share(), slot.ratio(), slot.master(),
					slot.hotSince(), slot.topKeys(), server.keysInSlot().get(slot.slot())));
		}
		return new HotSlotSnapshot(window.takenAt(), this.settings.window(), window.commands(), window.activeSlots(),
				this.settings.threshold(), hotSlots, window.hottestSlots(), server.masters(), server.readAt());
	}

	/**
	 * Keyed commands counted since the detector was created, up to the last evaluation.
	 * @return the total
	 */
	public long commandsTotal() {
		return this.commands.get();
	}

	/**
	 * How many times a slot became hot since the detector was created.
	 * @return the total
	 */
	public long alertsTotal() {
		return this.alerts.get();
	}

	/**
	 * The share of the busiest slot at the last evaluation.
	 * @return 0 to 1
	 */
	public double hottestShare() {
		List<SlotLoad> hottest = this.view.hottestSlots();
		return hottest.isEmpty() ? 0 : hottest.get(0).share();
	}

	/**
	 * Slide the window by one bucket and evaluate it: what the detector's thread does
	 * every bucket. Public so that an application without the lifecycle, or a test, can
	 * drive it.
	 * @return the snapshot after the evaluation
	 */
	public HotSlotSnapshot advance() {
		slide();
		return snapshot();
	}

	private synchronized void slide() {
		int next = (this.bucket + 1) % this.buckets.length;
		long[] leaving = this.buckets[next];
		for (int slot = 0; slot < SLOTS; slot++) {
			this.window[slot] -= leaving[slot];
			leaving[slot] = 0;
		}
		long added = this.counter.drainInto(leaving);
		for (int slot = 0; slot < SLOTS; slot++) {
			this.window[slot] += leaving[slot];
		}
		this.bucket = next;
		this.commands.addAndGet(added);
		double decay = (this.buckets.length > 1) ? (this.buckets.length - 1) / (double) this.buckets.length : 0.5;
		this.hot.values().forEach((state) -> state.keys.decay(decay));
		this.counter.drainSamples(this::sampled);
		evaluate();
	}

	private void sampled(int slot, byte[] key, int length, boolean truncated) {
		HotState state = this.hot.get(slot);
		if (state != null) {
			state.keys.add(display(key, length, truncated));
		}
	}

	private String display(byte[] key, int length, boolean truncated) {
		String text;
		try {
			text = this.decoder.reset().decode(ByteBuffer.wrap(key, 0, length)).toString();
		}
		catch (CharacterCodingException ex) {
			text = "0x" + HexFormat.of().formatHex(key, 0, length);
		}
		return truncated ? text + "…" : text;
	}

	private void evaluate() {
		Instant now = this.clock.instant();
		long total = 0;
		int active = 0;
		for (long count : this.window) {
			if (count > 0) {
				total += count;
				active++;
			}
		}
		int[] ranked = rank();
		boolean enough = total >= this.settings.minCommands() && total > 0;
		List<Integer> cooled = new ArrayList<>();
		for (Map.Entry<Integer, HotState> entry : this.hot.entrySet()) {
			double ratio = ratio(this.window[entry.getKey()], total, active);
			if (!enough || ratio < this.settings.threshold() * COOL_DOWN) {
				cooled.add(entry.getKey());
			}
		}
		List<Integer> heated = new ArrayList<>();
		if (enough) {
			for (int slot = 0; slot < SLOTS; slot++) {
				if (this.window[slot] > 0 && !this.hot.containsKey(slot)
						&& ratio(this.window[slot], total, active) >= this.settings.threshold()) {
					heated.add(slot);
				}
			}
		}
		Partitions topology = (ranked.length > 0) ? topology() : null;
		for (int slot : cooled) {
			this.hot.remove(slot);
			logger.info("Slot " + slot + " is no longer hot: " + percent(share(this.window[slot], total))
					+ " of the commands in the last " + this.settings.window().toSeconds() + " s");
		}
		double meanShare = (active > 0) ? 1.0 / active : 0;
		List<HotSlotEvent> events = new ArrayList<>();
		for (int slot : heated) {
			this.hot.put(slot, new HotState(now, new TopKeys(Math.max(1, this.settings.topKeys() * 4))));
			events.add(new HotSlotEvent(slot, master(topology, slot), share(this.window[slot], total), meanShare,
					this.window[slot], this.settings.window(), now));
		}
		if (!cooled.isEmpty() || !heated.isEmpty()) {
			boolean[] sampled = new boolean[SLOTS];
			this.hot.keySet().forEach((slot) -> sampled[slot] = true);
			this.counter.sampleKeysOf(sampled);
			this.serverViewDue = !heated.isEmpty() || this.serverViewDue;
		}
		List<SlotLoad> hottest = new ArrayList<>(ranked.length);
		for (int slot : ranked) {
			hottest.add(new SlotLoad(slot, this.window[slot], share(this.window[slot], total), master(topology, slot)));
		}
		List<HotSlot> hotSlots = new ArrayList<>(this.hot.size());
		for (Map.Entry<Integer, HotState> entry : this.hot.entrySet()) {
			int slot = entry.getKey();
			long count = this.window[slot];
			hotSlots
				.add(new HotSlot(slot, count, share(count, total), ratio(count, total, active), master(topology, slot),
						entry.getValue().since, entry.getValue().keys.top(this.settings.topKeys(), count), null));
		}
		hotSlots.sort(Comparator.comparingLong(HotSlot::commands).reversed());
		this.view = new WindowView(now, total, active, hotSlots, hottest);
		for (HotSlotEvent event : events) {
			alert(event, active);
		}
	}

	private void alert(HotSlotEvent event, int active) {
		this.alerts.incrementAndGet();
		logger.warn("Slot " + event.slot() + ((event.master() != null) ? " (master " + event.master() + ")" : "")
				+ " is hot: " + percent(event.share()) + " of this instance's " + this.view.commands()
				+ " keyed commands in the last " + event.window().toSeconds() + " s, "
				+ String.format(Locale.ROOT, "%.0f", event.ratio()) + " times the mean share of the " + active
				+ " active slots. Its hottest keys are sampled from now on (HotSlotDetector.snapshot()); "
				+ "spread them over more slots or cache them closer to the application.");
		try {
			this.alertListener.accept(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A hot-slot alert listener failed for slot " + event.slot(), ex);
		}
	}

	private int[] rank() {
		int[] top = new int[RANKED_SLOTS];
		int size = 0;
		for (int slot = 0; slot < SLOTS; slot++) {
			long count = this.window[slot];
			if (count <= 0 || (size == RANKED_SLOTS && count <= this.window[top[size - 1]])) {
				continue;
			}
			int at = (size < RANKED_SLOTS) ? size++ : size - 1;
			while (at > 0 && this.window[top[at - 1]] < count) {
				top[at] = top[at - 1];
				at--;
			}
			top[at] = slot;
		}
		int[] ranked = new int[size];
		System.arraycopy(top, 0, ranked, 0, size);
		return ranked;
	}

	private static double ratio(long count, long total, int active) {
		return (total > 0) ? (double) count * active / total : 0;
	}

	private static double share(long count, long total) {
		return (total > 0) ? (double) count / total : 0;
	}

	private static String percent(double share) {
		return String.format(Locale.ROOT, "%.1f%%", share * 100);
	}

	/**
	 * Read every master's INFO and the key counts of the hot slots now: what the
	 * detector's thread does every {@code serverViewInterval} and when a slot becomes
	 * hot. Nodes that do not answer are left out; nothing is read without a connection
	 * factory.
	 */
	public void refreshServerView() {
		this.serverViewDue = false;
		if (this.connectionFactory == null) {
			return;
		}
		List<MasterLoad> masters = new ArrayList<>();
		Map<Integer, Long> keysInSlot = new HashMap<>();
		RuntimeException failure = null;
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			StatefulRedisClusterConnection<byte[], byte[]> cluster = LettuceCommands.stateful(connection);
			Partitions partitions = cluster.getPartitions();
			for (RedisClusterNode node : partitions) {
				if (!node.is(NodeFlag.UPSTREAM) || node.getSlots().isEmpty() || node.is(NodeFlag.FAIL)) {
					continue;
				}
				try {
					RedisClusterCommands<byte[], byte[]> commands = cluster.getConnection(node.getNodeId()).sync();
					String host = node.getUri().getHost();
					int port = node.getUri().getPort();
					masters.add(new MasterLoad(node.getNodeId(), address(node.getUri()),
							infoValue(NodeInfo.read(connection, host, port, "stats"), "instantaneous_ops_per_sec"),
							infoValue(NodeInfo.read(connection, host, port, "memory"), "used_memory"),
							node.getSlots().size()));
					for (HotSlot hotSlot : this.view.hotSlots()) {
						if (node.hasSlot(hotSlot.slot())) {
							keysInSlot.put(hotSlot.slot(), commands.clusterCountKeysInSlot(hotSlot.slot()));
						}
					}
				}
				catch (RuntimeException ex) {
					failure = ex;
				}
			}
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		if (failure != null && !this.lastServerViewFailed) {
			logger.info("Could not read every master's INFO for the hot-slot view (" + failure.getMessage()
					+ "); masters that did not answer are left out");
		}
		this.lastServerViewFailed = failure != null;
		masters.sort(Comparator.comparing(MasterLoad::address));
		this.serverView = new ServerView(masters, keysInSlot, this.clock.instant());
	}

	static long infoValue(Properties info, String field) {
		return NodeInfo.number(info, field, -1);
	}

	private @Nullable Partitions topology() {
		if (this.connectionFactory == null) {
			return null;
		}
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			return LettuceCommands.stateful(connection).getPartitions();
		}
		catch (RuntimeException ex) {
			logger.debug("No topology for the hot-slot view", ex);
			return null;
		}
	}

	private static @Nullable String master(@Nullable Partitions topology, int slot) {
		if (topology == null) {
			return null;
		}
		RedisClusterNode master = topology.getMasterBySlot(slot);
		return (master != null) ? address(master.getUri()) : null;
	}

	private static String address(RedisURI uri) {
		return uri.getHost() + ":" + uri.getPort();
	}

	/**
	 * Evaluate every bucket, at a fixed rate, on the {@code slotwise-hot-slots} thread,
	 * first one bucket from now; read the server view every {@code serverViewInterval}.
	 */
	@Override
	public void start() {
		this.nextServerView = System.nanoTime() + this.settings.serverViewInterval().toNanos();
		this.evaluator.start();
	}

	private void step() {
		long now = System.nanoTime();
		if (now - this.nextServerView >= 0) {
			this.serverViewDue = true;
			this.nextServerView = now + this.settings.serverViewInterval().toNanos();
		}
		slide();
		if (this.serverViewDue) {
			refreshServerView();
		}
	}

	/**
	 * Stop evaluating; wait for an evaluation in progress, at most one second.
	 */
	@Override
	public void stop() {
		this.evaluator.stop(STOP_TIMEOUT);
	}

	@Override
	public boolean isRunning() {
		return this.evaluator.isRunning();
	}

	private static final class HotState {

		private final Instant since;

		private final TopKeys keys;

		HotState(Instant since, TopKeys keys) {
			this.since = since;
			this.keys = keys;
		}

	}

	private record WindowView(Instant takenAt, long commands, int activeSlots, List<HotSlot> hotSlots,
			List<SlotLoad> hottestSlots) {

	}

	private record ServerView(List<MasterLoad> masters, Map<Integer, Long> keysInSlot, @Nullable Instant readAt) {

		static final ServerView NONE = new ServerView(List.of(), Map.of(), null);

	}

}
