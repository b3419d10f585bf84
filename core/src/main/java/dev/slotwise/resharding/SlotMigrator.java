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

package dev.slotwise.resharding;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.slotwise.support.LettuceCommands;
import io.lettuce.core.MigrateArgs;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Moves slots between masters live, the way {@code redis-cli --cluster reshard} does:
 * {@code SETSLOT IMPORTING} on the target, {@code SETSLOT MIGRATING} on the source,
 * {@code MIGRATE} in batches until the slot is empty, then {@code SETSLOT NODE} on the
 * target, the source and every other master. Clients keep working meanwhile: Redis
 * answers {@code ASK} for keys already moved, and Lettuce follows it.
 *
 * <p>
 * Resumable: a step whose slot the target already serves is skipped, and a step
 * interrupted half-way is picked up where it stopped (setting a slot importing or
 * migrating again is harmless, and the keys left in the source are moved).
 */
public class SlotMigrator {

	private static final Log logger = LogFactory.getLog(SlotMigrator.class);

	private final RedisConnectionFactory connectionFactory;

	private final int batchSize;

	private final Duration migrateTimeout;

	/**
	 * Create a migrator.
	 * @param connectionFactory the cluster connection factory
	 * @param batchSize keys per {@code MIGRATE}
	 * @param migrateTimeout the {@code MIGRATE} timeout
	 */
	public SlotMigrator(RedisConnectionFactory connectionFactory, int batchSize, Duration migrateTimeout) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
		}
		this.connectionFactory = connectionFactory;
		this.batchSize = batchSize;
		this.migrateTimeout = migrateTimeout;
	}

	/**
	 * Execute a plan, step by step.
	 * @param plan the plan
	 * @param progress called after each batch and each step
	 * @return the final progress
	 */
	public Progress execute(ReshardingPlan plan, Consumer<Progress> progress) {
		Progress current = new Progress(plan.steps().size(), 0, 0, 0, null, null);
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			StatefulRedisClusterConnection<byte[], byte[]> cluster = LettuceCommands.stateful(connection);
			for (ReshardingPlan.Step step : plan.steps()) {
				current = current.at(step.slot());
				progress.accept(current);
				current = move(cluster, step, current, progress);
				current = current.stepDone();
				progress.accept(current);
			}
			return current.finished(null);
		}
		catch (RuntimeException ex) {
			logger.warn("Resharding stopped at slot " + current.currentSlot() + ": " + ex.getMessage()
					+ "; run the plan again to resume");
			Progress failed = current.finished(String.valueOf(ex.getMessage()));
			progress.accept(failed);
			return failed;
		}
	}

	private Progress move(StatefulRedisClusterConnection<byte[], byte[]> cluster, ReshardingPlan.Step step,
			Progress progress, Consumer<Progress> listener) {
		RedisClusterCommands<byte[], byte[]> source = node(cluster, step.fromAddress());
		RedisClusterCommands<byte[], byte[]> target = node(cluster, step.toAddress());
		Partitions view = ClusterPartitionParser.parse(target.clusterNodes());
		RedisClusterNode owner = view.getMasterBySlot(step.slot());
		if (owner != null && owner.getNodeId().equals(step.toId())) {
			return progress.skipped();
		}
		if (owner == null || !owner.getNodeId().equals(step.fromId())) {
			throw new IllegalStateException(
					"Slot " + step.slot() + " is served by " + ((owner != null) ? owner.getUri() : "no master")
							+ ", not by " + step.fromAddress() + " as the plan says; make a new plan");
		}
		target.clusterSetSlotImporting(step.slot(), step.fromId());
		source.clusterSetSlotMigrating(step.slot(), step.toId());
		String[] to = step.toAddress().split(":");
		Progress current = progress;
		while (true) {
			List<byte[]> keys = source.clusterGetKeysInSlot(step.slot(), this.batchSize);
			if (keys.isEmpty()) {
				break;
			}
			source.migrate(to[0], Integer.parseInt(to[1]), 0, this.migrateTimeout.toMillis(),
					MigrateArgs.Builder.<byte[]>keys(keys));
			current = current.moved(keys.size());
			listener.accept(current);
		}
		target.clusterSetSlotNode(step.slot(), step.toId());
		source.clusterSetSlotNode(step.slot(), step.toId());
		for (RedisClusterNode node : view) {
			String address = node.getUri().getHost() + ":" + node.getUri().getPort();
			if (node.is(NodeFlag.UPSTREAM) && !node.is(NodeFlag.FAIL) && !address.equals(step.toAddress())
					&& !address.equals(step.fromAddress())) {
				node(cluster, address).clusterSetSlotNode(step.slot(), step.toId());
			}
		}
		return current;
	}

	private static RedisClusterCommands<byte[], byte[]> node(StatefulRedisClusterConnection<byte[], byte[]> cluster,
			String address) {
		int colon = address.lastIndexOf(':');
		return cluster.getConnection(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
			.sync();
	}

	/**
	 * How far a plan got.
	 *
	 * @param steps steps in the plan
	 * @param stepsDone steps finished (moved or skipped)
	 * @param stepsSkipped steps skipped because the target already served the slot
	 * @param keysMoved keys moved so far
	 * @param currentSlot the slot being moved, or {@code null}
	 * @param error why it stopped early, or {@code null}
	 */
	public record Progress(int steps, int stepsDone, int stepsSkipped, long keysMoved, @Nullable Integer currentSlot,
			@Nullable String error) {

		Progress at(int slot) {
			return new Progress(this.steps, this.stepsDone, this.stepsSkipped, this.keysMoved, slot, null);
		}

		Progress moved(int keys) {
			return new Progress(this.steps, this.stepsDone, this.stepsSkipped, this.keysMoved + keys, this.currentSlot,
					null);
		}

		Progress skipped() {
			return new Progress(this.steps, this.stepsDone, this.stepsSkipped + 1, this.keysMoved, this.currentSlot,
					null);
		}

		Progress stepDone() {
			return new Progress(this.steps, this.stepsDone + 1, this.stepsSkipped, this.keysMoved, null, null);
		}

		Progress finished(@Nullable String error) {
			return new Progress(this.steps, this.stepsDone, this.stepsSkipped, this.keysMoved, this.currentSlot, error);
		}

		/**
		 * Whether every step is done.
		 * @return whether the plan is complete
		 */
		public boolean complete() {
			return this.stepsDone == this.steps && this.error == null;
		}

	}

}
