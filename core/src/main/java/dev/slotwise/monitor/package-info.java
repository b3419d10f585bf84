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

/**
 * Cluster monitoring: a background poll of {@code CLUSTER NODES}, {@code CLUSTER INFO}
 * and each master's {@code INFO replication} that publishes a {@link ClusterSnapshot}
 * (state, topology, replication lag) and a {@link ClusterEvent} for each change, and
 * marks the slots of masters the cluster flags failing in
 * {@link dev.slotwise.cluster.SlotHealth}.
 */
@NullMarked
package dev.slotwise.monitor;

import org.jspecify.annotations.NullMarked;
