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

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.slotwise.buffer.WriteBuffer;
import dev.slotwise.buffer.WriteBufferSettings;
import dev.slotwise.cache.ClusterCache;
import dev.slotwise.cache.ClusterCacheSettings;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.cluster.SlotHealth;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.key.TaggedKey;
import dev.slotwise.test.ClusterNode;
import dev.slotwise.test.LocalRedisCluster;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * One user's cached entries removed two ways on the same local 3+3 cluster with the same
 * data: {@link ClusterCache#evictTag} (one script on the tag's master) against
 * {@link ClusterCache#clear()}, which is what {@code @CacheEvict(allEntries = true)}
 * calls (a {@code SCAN} of every master, then a delete per entry). The cache holds
 * {@code users x entries} entries keyed by the {@code HashTagKeyGenerator}'s
 * {@code {user}:n}; a second cache of as many entries shares the cluster. Each measured
 * call starts from the full data: what a call removed is put back, untimed, before the
 * next.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.slotwise.benchmarks.TagEvictionDrill [users] [entries per user] [clear rounds] [evictTag rounds]
 * </pre>
 */
public final class TagEvictionDrill {

	private TagEvictionDrill() {
	}

	public static void main(String[] args) throws Exception {
		int users = (args.length > 0) ? Integer.parseInt(args[0]) : 2000;
		int perUser = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		int clearRounds = (args.length > 2) ? Integer.parseInt(args[2]) : 5;
		int tagRounds = (args.length > 3) ? Integer.parseInt(args[3]) : 500;
		ExecutorService fillers = Executors.newFixedThreadPool(8);
		try (LocalRedisCluster cluster = LocalRedisCluster.builder().masters(3).replicasPerMaster(1).start()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisClusterConfiguration(cluster.seedAddresses()));
			factory.afterPropertiesSet();
			factory.start();
			ClusterKeys keys = new ClusterKeys();
			SlotGuard guard = new SlotGuard(new SlotHealth(SlotHealth.DEFAULT_PROBE_INTERVAL, Clock.systemUTC()));
			WriteBuffer buffer = new WriteBuffer(factory, keys, guard, WriteBufferSettings.defaults(),
					Clock.systemUTC());
			buffer.start();
			ClusterCache orders = cache("orders", factory, buffer, guard, keys);
			ClusterCache products = cache("products", factory, buffer, guard, keys);
			System.out.printf("Tag eviction vs allEntries: %,d users x %d entries in 'orders', %,d entries in "
					+ "'products', local 3+3 cluster%n", users, perUser, users * perUser);
			fill(fillers, products, users, perUser);
			fill(fillers, orders, users, perUser);
			// Warm-up, not measured: JIT, connections, the script on every master.
			for (int user = 0; user < Math.min(users, 100); user++) {
				orders.evictTag("u" + user);
				refill(orders, user, perUser);
			}
			orders.clear();
			fill(fillers, orders, users, perUser);
			long[] tagNanos = new long[tagRounds];
			for (int round = 0; round < tagRounds; round++) {
				int user = (round * 7919) % users;
				long start = System.nanoTime();
				orders.evictTag("u" + user);
				tagNanos[round] = System.nanoTime() - start;
				if (orders.get(new TaggedKey("u" + user, 0)) != null) {
					throw new IllegalStateException("evictTag left an entry of u" + user);
				}
				refill(orders, user, perUser);
			}
			long[] clearNanos = new long[clearRounds];
			for (int round = 0; round < clearRounds; round++) {
				long start = System.nanoTime();
				orders.clear();
				clearNanos[round] = System.nanoTime() - start;
				if (count(cluster, "orders::*") != 0) {
					throw new IllegalStateException("clear() left entries");
				}
				fill(fillers, orders, users, perUser);
			}
			long keysNow = count(cluster, "*");
			double tagMedian = median(tagNanos) / 1e6;
			double clearMedian = median(clearNanos) / 1e6;
			System.out.printf("  evictTag(user)   median %9.3f ms  p90 %9.3f ms  (%d calls, %d entries each)%n",
					tagMedian, percentile(tagNanos, 90) / 1e6, tagRounds, perUser);
			System.out.printf("  clear()          median %9.3f ms  p90 %9.3f ms  (%d calls, %,d entries each)%n",
					clearMedian, percentile(clearNanos, 90) / 1e6, clearRounds, users * perUser);
			System.out.printf("  clear() / evictTag = %,.0f x slower to invalidate one user's entries "
					+ "(%,d keys in the cluster)%n", clearMedian / tagMedian, keysNow);
			buffer.stop();
			factory.destroy();
		}
		finally {
			fillers.shutdownNow();
		}
	}

	private static ClusterCache cache(String name, LettuceConnectionFactory factory, WriteBuffer buffer,
			SlotGuard guard, ClusterKeys keys) {
		return new ClusterCache(name,
				new ClusterCacheSettings(Duration.ofMinutes(30), true, "", RedisSerializer.java(), 0,
						ClusterCacheSettings.DEFAULT_READ_TIMEOUT),
				factory, buffer, guard, keys, Clock.systemUTC(), Runnable::run);
	}

	/** Every user's entries: {user}:0 .. {user}:n-1, and {user} itself. */
	private static void fill(ExecutorService fillers, ClusterCache cache, int users, int perUser) throws Exception {
		List<Future<?>> done = new ArrayList<>();
		for (int lane = 0; lane < 8; lane++) {
			int first = lane;
			done.add(fillers.submit(() -> {
				for (int user = first; user < users; user += 8) {
					refill(cache, user, perUser);
				}
			}));
		}
		for (Future<?> future : done) {
			future.get();
		}
	}

	private static void refill(ClusterCache cache, int user, int perUser) {
		for (int n = 0; n < perUser - 1; n++) {
			cache.put(new TaggedKey("u" + user, n), "entry " + n + " of user " + user);
		}
		cache.put(new TaggedKey("u" + user, SimpleKey.EMPTY), "all of user " + user);
	}

	private static long count(LocalRedisCluster cluster, String pattern) {
		long total = 0;
		for (ClusterNode master : cluster.masters()) {
			total += cluster.call(master, (commands) -> commands.keys(pattern)).size();
		}
		return total;
	}

	private static double median(long[] nanos) {
		return percentile(nanos, 50);
	}

	private static double percentile(long[] nanos, double percentile) {
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1)];
	}

}
