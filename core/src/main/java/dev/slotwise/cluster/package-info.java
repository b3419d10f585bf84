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
 * The cluster connection and the failure protocol. Connection: failover tuning for
 * Lettuce ({@link FailoverTuning}) and the map from announced node addresses to reachable
 * ones ({@link AddressMap}). Failure protocol: {@link SlotGuard} runs a call for a slot
 * ({@link SlotCall}), classifies its failure ({@link RedisOutage}, {@link OutageReason})
 * and marks or clears the slot in {@link SlotHealth}, which spreads a mark to the slots
 * that share a master ({@link SlotPeers}, {@link ClusterTopology}). Nothing here depends
 * on monitoring, resharding or hot slots.
 */
@NullMarked
package dev.slotwise.cluster;

import org.jspecify.annotations.NullMarked;
