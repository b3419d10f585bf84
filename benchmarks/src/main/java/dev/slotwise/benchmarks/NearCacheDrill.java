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
import java.util.Objects;

import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.NearCacheTracker;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The near cache's figures on a local 3+3 cluster, with two application instances (two
 * Spring contexts, each with its own client and tracker):
 * <ol>
 * <li><b>Staleness.</b> Instance one holds a key in its near cache; instance two replaces
 * it; instance one reads the key in a loop. For each round: the time from the end of the
 * write to the start of the first read that answered the new value, and whether any read
 * that began later than the bound answered the old one.</li>
 * <li><b>Invalidation traffic.</b> Instance two writes keys that instance one never read:
 * the invalidations instance one receives per write (broadcast mode sends each; the
 * default mode would send none).</li>
 * <li><b>Redis memory.</b> On one master, a plain connection reads keys with tracking in
 * the default mode, then another in broadcast mode: the tracking table's keys and the
 * memory it takes ({@code INFO}: {@code tracking_total_keys}, {@code used_memory}).</li>
 * </ol>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.NearCacheDrill [rounds] [keys]
 * </pre>
 */
public final class NearCacheDrill {

	private NearCacheDrill() {
	}

	public static void main(String[] args) {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 500;
		int keys = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
			ConfigurableApplicationContext one = FailoverDrill.SystemUnderTest.SLOTWISE.application(cluster, null,
					"slotwise.cache.near.enabled=true");
			ConfigurableApplicationContext two = FailoverDrill.SystemUnderTest.SLOTWISE.application(cluster, null,
					"slotwise.cache.near.enabled=true");
			try {
				ClusterCache cacheOne = cache(one);
				ClusterCache cacheTwo = cache(two);
				long boundNanos = one.getBean(NearCacheTracker.class).maxStaleness().toNanos();
				staleness(cacheOne, cacheTwo, rounds, boundNanos);
				traffic(one.getBean(NearCacheTracker.class), cacheTwo, keys);
			}
			finally {
				two.close();
				one.close();
			}
			memory(cluster.masters().get(0), keys);
		}
	}

	private static ClusterCache cache(ConfigurableApplicationContext context) {
		return (ClusterCache) Objects.requireNonNull(context.getBean(CacheManager.class).getCache("near-drill"));
	}

	private static void staleness(ClusterCache one, ClusterCache two, int rounds, long boundNanos) {
		List<Long> delays = new ArrayList<>();
		int late = 0;
		for (int round = 0; round < rounds; round++) {
			String key = "item:" + round;
			two.put(key, "old");
			long deadline = System.nanoTime() + 10_000_000_000L;
			long hitsBefore = one.nearHits();
			while (!("old".equals(one.get(key, String.class)) && one.nearHits() > hitsBefore)) {
				hitsBefore = one.nearHits();
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Instance one never held " + key + " in its near cache");
				}
			}
			two.put(key, "new");
			long written = System.nanoTime();
			while (true) {
				long began = System.nanoTime();
				String read = one.get(key, String.class);
				if ("new".equals(read)) {
					delays.add(began - written);
					break;
				}
				if (began - written > boundNanos) {
					late++;
				}
			}
		}
		long[] sorted = delays.stream().mapToLong(Long::longValue).sorted().toArray();
		System.out.printf("%nStaleness, %d rounds (bound %d ms):%n", rounds, boundNanos / 1_000_000);
		System.out.println("| time from the write's acknowledgement to the first read of the new value | ms |");
		System.out.println("|---|---|");
		System.out.printf("| median | %.2f |%n", millis(sorted[sorted.length / 2]));
		System.out.printf("| p99 | %.2f |%n", millis(sorted[(int) (sorted.length * 0.99)]));
		System.out.printf("| max | %.2f |%n", millis(sorted[sorted.length - 1]));
		System.out.printf("| reads of the old value that began after the bound | %d |%n", late);
	}

	private static void traffic(NearCacheTracker trackerOne, ClusterCache two, int keys) {
		long before = trackerOne.invalidations();
		for (int i = 0; i < keys; i++) {
			two.put("unread:" + i, "value");
		}
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (trackerOne.invalidations() - before < keys && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		long received = trackerOne.invalidations() - before;
		System.out.printf(
				"%nInvalidation traffic: instance two wrote %d keys instance one never read; instance one "
						+ "received %d invalidations (%.2f per write; the default mode would send 0)%n",
				keys, received, (double) received / keys);
	}

	private static void memory(ClusterNode master, int keys) {
		RedisClient client = RedisClient.create(RedisURI.create(master.host(), master.port()));
		try (StatefulRedisConnection<String, String> filler = client.connect();
				StatefulRedisConnection<String, String> defaultMode = client.connect();
				StatefulRedisConnection<String, String> broadcast = client.connect()) {
			RedisCommands<String, String> admin = filler.sync();
			List<String> names = new ArrayList<>();
			for (int i = 0; names.size() < keys; i++) {
				String key = "mem:" + i;
				if (Objects.equals(admin.clusterKeyslot(key), (long) keySlotOwned(admin, key))) {
					names.add(key);
				}
			}
			names.forEach((key) -> admin.set(key, "v"));
			long base = used(admin);
			broadcast.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes("mem:"));
			names.forEach((key) -> broadcast.sync().get(key));
			long afterBroadcast = used(admin);
			String broadcastKeys = info(admin, "tracking_total_keys");
			defaultMode.sync().clientTracking(TrackingArgs.Builder.enabled());
			names.forEach((key) -> defaultMode.sync().get(key));
			long afterDefault = used(admin);
			String defaultKeys = info(admin, "tracking_total_keys");
			System.out.printf("%nRedis memory on one master, %d keys read:%n", keys);
			System.out.println("| mode | tracking_total_keys | used_memory growth (bytes) |");
			System.out.println("|---|---|---|");
			System.out.printf("| broadcast, prefix mem: | %s | %,d |%n", broadcastKeys, afterBroadcast - base);
			System.out.printf("| default | %s | %,d |%n", defaultKeys, afterDefault - afterBroadcast);
			names.forEach(admin::del);
		}
		finally {
			client.shutdown();
		}
	}

	/** Only keys this master serves: the plain connection follows no redirect. */
	private static int keySlotOwned(RedisCommands<String, String> admin, String key) {
		long slot = admin.clusterKeyslot(key);
		String myself = Arrays.stream(admin.clusterNodes().split("\n"))
			.filter((line) -> line.contains("myself"))
			.findFirst()
			.orElseThrow();
		String[] fields = myself.split(" ");
		for (int i = 8; i < fields.length; i++) {
			String[] range = fields[i].split("-");
			if (range[0].startsWith("[")) {
				continue;
			}
			long from = Long.parseLong(range[0]);
			long to = (range.length > 1) ? Long.parseLong(range[1]) : from;
			if (slot >= from && slot <= to) {
				return (int) slot;
			}
		}
		return -1;
	}

	private static long used(RedisCommands<String, String> admin) {
		return Long.parseLong(info(admin, "used_memory"));
	}

	private static String info(RedisCommands<String, String> admin, String field) {
		for (String line : admin.info().split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1).trim();
			}
		}
		return "?";
	}

	private static double millis(long nanos) {
		return nanos / 1_000_000.0;
	}

}
