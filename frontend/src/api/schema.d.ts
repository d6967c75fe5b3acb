// Generated from the backend OpenAPI schema by `npm run gen:api`. Do not edit by hand;
// `npm run check:api` (part of `make test`) fails when this file and the backend disagree.

export interface paths {
    "/api/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every dataset, newest first */
        get: operations["datasets-list_datasets"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One dataset: manifest fields and stats, without the id lists */
        get: operations["datasets-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/{key}/export.jsonl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export the dataset as JSON Lines, streamed in manifest order
         * @description Byte-identical on every call; the ETag is the dataset checksum. `style` and `system` apply to the formats that render the Gemma turn (`tunix_sft`, `chat`, `prompt_only`).
         */
        get: operations["datasets-export"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/{key}/manifest.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The full manifest file, with every trace id in order and the split lists */
        get: operations["datasets-manifest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/build": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Build an immutable, versioned dataset
         * @description Selects traces in SQL (filters, strategy, seed, limit), optionally deduplicates and splits them by prompt, records the manifest and indexes it. The same key twice is 409.
         */
        post: operations["datasets-build"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/datasets/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** How many traces a build request would select */
        post: operations["datasets-preview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/demo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Load the example data (GSM8K, arithmetic problems, scores, a dataset)
         * @description Imports GSM8K's train and test splits (they ship with tunix-rt), generates 500 arithmetic word problems, scores every trace not yet scored with `answer_match`, and builds the dataset `gsm8k-demo-v1` (2,000 GSM8K train problems, a tenth held out). Idempotent: a second call stores nothing new and reports what exists. A few seconds on SQLite.
         */
        post: operations["demo-load_demo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evaluations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Evaluations, newest first */
        get: operations["evaluations-list_evaluations"];
        put?: never;
        /** Record an evaluation: outputs are parsed, stored as eval traces and scored */
        post: operations["evaluations-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evaluations/{evaluation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One evaluation with its per-scorer summary */
        get: operations["evaluations-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evaluations/{evaluation_id}/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An evaluation's items with their scores */
        get: operations["evaluations-items"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/evaluations/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Before/after: per-scorer paired deltas with 95% intervals, items fixed and broken */
        get: operations["evaluations-compare"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Service and database status */
        get: operations["system-health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs, newest first */
        get: operations["runs-list_runs"];
        put?: never;
        /** Register a training run */
        post: operations["runs-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One run
         * @description A running run silent for longer than the heartbeat timeout is reported failed.
         */
        get: operations["runs-get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update a run's status, error, artifacts or summary (an empty body is a heartbeat) */
        patch: operations["runs-update"];
        trace?: never;
    };
    "/api/runs/{run_id}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run's metrics, by name then step */
        get: operations["runs-metrics"];
        put?: never;
        /** Record a batch of metrics (a step sent again replaces its value) */
        post: operations["runs-add_metrics"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/rollouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The steps that have rollouts, with their mean reward and scores */
        get: operations["rollouts-list_steps"];
        put?: never;
        /**
         * Record a step's sampled completions: stored as rollout traces and scored
         * @description One transaction. 201 when stored; 200 with what is stored when the run already has this step (a retry): nothing is written twice. trace_ids are by group, then index.
         */
        post: operations["rollouts-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/runs/{run_id}/rollouts/{step}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One step's groups and completions with their scores */
        get: operations["rollouts-get_step"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scorers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The built-in scorers, with their versions */
        get: operations["scores-list_scorers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/scores/bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a scorer over every trace matching a filter
         * @description Works in committed batches on the server; re-running skips what is scored.
         */
        post: operations["scores-score_bulk"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sources/arithmetic/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate multi-step arithmetic word problems and store them as traces
         * @description Draws `count` problems with distinct prompts from `seed` (the same spec gives the same traces), each with one worked step per operation, and stores them with `source=arithmetic` in one transaction. 201 when new traces were stored, 200 when every one was already stored (a repeated request stores nothing). 422 when the spec is invalid or its ranges hold fewer than `count` distinct problems; 413 when `count` exceeds the server's limit (TUNIX_RT_MAX_GENERATED_TRACES, 100,000 by default).
         */
        post: operations["sources-generate_arithmetic"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List traces, newest first
         * @description Keyset-paginated. Filters combine with AND; `tag` may repeat; `metadata.KEY=VALUE` filters on metadata (dotted keys reach nested objects); `min_score.NAME=X` / `max_score.NAME=X` keep traces with such a score.
         */
        get: operations["traces-list_traces"];
        put?: never;
        /**
         * Store one trace
         * @description 201 when stored; 200 with the stored trace when the same content (or the same Idempotency-Key) was already stored.
         */
        post: operations["traces-create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/{trace_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One trace, in full, with its scores */
        get: operations["traces-get"];
        put?: never;
        post?: never;
        /** Delete a trace and its scores */
        delete: operations["traces-delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/{trace_id}/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A trace's scores, oldest first */
        get: operations["scores-list_scores"];
        put?: never;
        /**
         * Score a trace
         * @description Either `{"scorer": NAME}` to run a built-in scorer, or `{"name", "value", "label"?, "details"?, "source": "human"|"judge"}` to store a score measured elsewhere.
         */
        post: operations["scores-create_score"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Store many traces in one transaction
         * @description All or nothing: if any trace is invalid, none is stored.
         */
        post: operations["traces-create_batch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Two traces side by side, with their scores */
        get: operations["traces-compare"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Count traces matching the same filters as the list */
        get: operations["traces-count_traces"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/traces/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import a JSONL file (GSM8K rows, your own records, model outputs)
         * @description Send the file as the request body. It is read as it arrives (never buffered whole), each line validated, and the traces stored in one transaction. A malformed line gives 422 listing the bad lines and nothing is stored, unless `skip_invalid=true`. Traces already stored (same content) are counted as `existing`, not stored again.
         */
        post: operations["traces-import_traces"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ungar/high-card-duel/export.jsonl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * High Card Duel traces as JSONL, in the `trace` export shape
         * @description One `trace` record (`{id, prompts, trace_steps, final_answer, metadata}`) per line, oldest first, streamed. `trace_ids` (comma-separated or repeated) narrows the export to those traces; `limit` caps the number of lines.
         */
        get: operations["ungar-export_jsonl"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ungar/high-card-duel/generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Play High Card Duel episodes and store them as traces
         * @description Plays `count` random episodes (episode i with seed `seed + i`) and stores each as a trace with `source=ungar`. With `persist=false` nothing is stored (200, preview only). 501 when UNGAR is not installed.
         */
        post: operations["ungar-generate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ungar/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Whether UNGAR is installed, and its version */
        get: operations["ungar-status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** ArithmeticResult */
        ArithmeticResult: {
            /**
             * Created
             * @description New traces stored.
             */
            created: number;
            /**
             * Existing
             * @description Traces skipped because the same trace is already stored (same content).
             */
            existing: number;
            /**
             * Generated
             * @description Problems generated (each prompt once).
             */
            generated: number;
        };
        /**
         * ArithmeticSpec
         * @description What to generate. Ranges are inclusive; ``operations`` is kept in ``+ - *`` order.
         */
        ArithmeticSpec: {
            /**
             * Answer Only
             * @description The same problems and answers without the worked steps.
             * @default false
             */
            answer_only: boolean;
            /**
             * Count
             * @description How many problems (unique prompts).
             */
            count: number;
            /**
             * Max Steps
             * @description Most operations.
             * @default 3
             */
            max_steps: number;
            /**
             * Min Steps
             * @description Fewest operations.
             * @default 2
             */
            min_steps: number;
            /**
             * Operand Max
             * @description Largest operand.
             * @default 30
             */
            operand_max: number;
            /**
             * Operand Min
             * @description Smallest operand.
             * @default 1
             */
            operand_min: number;
            /**
             * Operations
             * @description Which of "+", "-", "*" to use (multipliers are 2 to min(5, operand_max)).
             */
            operations?: ("+" | "-" | "*")[];
            /**
             * Seed
             * @description Same seed, same problems.
             * @default 0
             */
            seed: number;
            /**
             * Start Max
             * @description Largest start value.
             * @default 40
             */
            start_max: number;
            /**
             * Start Min
             * @description Smallest start value.
             * @default 5
             */
            start_min: number;
        };
        /**
         * BulkScoreRequest
         * @description Run a scorer over every trace matching ``filter``, in batches, on the server.
         */
        BulkScoreRequest: {
            /**
             * Batch Size
             * @default 1000
             */
            batch_size: number;
            filter?: components["schemas"]["TraceFilter"];
            /** Scorer */
            scorer: string;
            /**
             * Skip Existing
             * @description Leave traces that already have this scorer's current version.
             * @default true
             */
            skip_existing: boolean;
        };
        /** BulkScoreResult */
        BulkScoreResult: {
            /** Matched */
            matched: number;
            /** Mean */
            mean: number | null;
            /** Scored */
            scored: number;
            /** Scorer */
            scorer: string;
            /** Skipped */
            skipped: number;
            /** Version */
            version: string;
        };
        /** ChangedItem */
        ChangedItem: {
            /** After Answer */
            after_answer: string;
            /**
             * After Trace Id
             * Format: uuid
             */
            after_trace_id: string;
            /** Before Answer */
            before_answer: string;
            /**
             * Before Trace Id
             * Format: uuid
             */
            before_trace_id: string;
            /** Item Id */
            item_id: string;
            /** Prompt Preview */
            prompt_preview: string;
            /** Reference Answer */
            reference_answer: string | null;
        };
        /** DatabaseHealth */
        DatabaseHealth: {
            /** Dialect */
            dialect: string;
            /** Revision */
            revision: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "ok" | "unavailable";
        };
        /** DatasetBuildRequest */
        DatasetBuildRequest: {
            /** Dataset Name */
            dataset_name: string;
            /** Dataset Version */
            dataset_version: string;
            /**
             * Dedup
             * @description Drop repeats of normalised prompt + answer.
             * @default false
             */
            dedup: boolean;
            /**
             * Description
             * @default null
             */
            description: string | null;
            filters?: components["schemas"]["TraceFilter"];
            /** Limit */
            limit: number;
            /**
             * Parent Dataset Id
             * @default null
             */
            parent_dataset_id: string | null;
            /**
             * Score Name
             * @description The scorer to rank by (`top_score`).
             * @default null
             */
            score_name: string | null;
            /**
             * Seed
             * @default null
             */
            seed: number | null;
            /**
             * Selection Strategy
             * @default latest
             * @enum {string}
             */
            selection_strategy: "latest" | "random" | "stratified" | "top_score";
            /**
             * Session Id
             * @default null
             */
            session_id: string | null;
            /** @default null */
            split: components["schemas"]["SplitRequest"] | null;
            /**
             * Stratify By
             * @description Metadata key whose values are the strata (`stratified`).
             * @default null
             */
            stratify_by: string | null;
            /**
             * Training Run Id
             * @default null
             */
            training_run_id: string | null;
        };
        /** DatasetBuildResult */
        DatasetBuildResult: {
            /**
             * Build Id
             * Format: uuid
             */
            build_id: string;
            /** Checksum */
            checksum: string;
            /** Dataset Key */
            dataset_key: string;
            /** Manifest Path */
            manifest_path: string;
            /** Split Counts */
            split_counts: {
                [key: string]: number;
            };
            /** Trace Count */
            trace_count: number;
        };
        /** DatasetList */
        DatasetList: {
            /** Items */
            items: components["schemas"]["DatasetRead"][];
        };
        /** DatasetPreview */
        DatasetPreview: {
            /**
             * Matched
             * @description Traces matching the filters.
             */
            matched: number;
            /**
             * Selected
             * @description How many a build would take (before dedup).
             */
            selected: number;
        };
        /**
         * DatasetRead
         * @description A dataset's index entry: everything in its manifest except the id lists.
         */
        DatasetRead: {
            /**
             * Build Id
             * Format: uuid
             */
            build_id: string;
            /** Checksum */
            checksum: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Dataset Key */
            dataset_key: string;
            /** Dataset Name */
            dataset_name: string;
            /** Dataset Schema Version */
            dataset_schema_version: string;
            /** Dataset Version */
            dataset_version: string;
            /** Dedup */
            dedup: boolean;
            /** Description */
            description: string | null;
            /** Filters */
            filters: {
                [key: string]: unknown;
            };
            /** Limit */
            limit: number;
            /** Manifest Path */
            manifest_path: string;
            /** Parent Dataset Id */
            parent_dataset_id: string | null;
            /** Seed */
            seed: number | null;
            /** Selection Strategy */
            selection_strategy: string;
            /** Session Id */
            session_id: string | null;
            /** Split */
            split: {
                [key: string]: unknown;
            } | null;
            /** Split Counts */
            split_counts: {
                [key: string]: number;
            };
            /** Stats */
            stats: {
                [key: string]: unknown;
            };
            /** Trace Count */
            trace_count: number;
            /** Training Run Id */
            training_run_id: string | null;
        };
        /**
         * DemoResult
         * @description What loading the example data did; counts are of this call (0 new the second time).
         */
        DemoResult: {
            arithmetic: components["schemas"]["ArithmeticResult"];
            /**
             * Dataset Created
             * @description False when the dataset existed already.
             */
            dataset_created: boolean;
            /** Dataset Key */
            dataset_key: string;
            /**
             * Gsm8K
             * @description Per GSM8K split: rows read and stored.
             */
            gsm8k: {
                [key: string]: components["schemas"]["ImportResult"];
            };
            /** @description answer_match over every trace not yet scored. */
            scored: components["schemas"]["BulkScoreResult"];
            /** Seconds */
            seconds: number;
        };
        /** DuelGenerateRequest */
        DuelGenerateRequest: {
            /**
             * Count
             * @description How many episodes to play.
             * @default 10
             */
            count: number;
            /**
             * Persist
             * @description Store the traces (false: preview only).
             * @default true
             */
            persist: boolean;
            /**
             * Seed
             * @description Episode i is played with seed + i; random (and recorded) when omitted.
             * @default null
             */
            seed: number | null;
        };
        /** DuelGenerateResult */
        DuelGenerateResult: {
            /** Created */
            created: number;
            /** Existing */
            existing: number;
            /**
             * Preview
             * @description The first few traces, as stored.
             */
            preview: components["schemas"]["TracePreview"][];
            /**
             * Trace Ids
             * @description One per episode, in order (empty unless persisted).
             */
            trace_ids: string[];
        };
        /** ErrorBody */
        ErrorBody: {
            error: components["schemas"]["ErrorDetail"];
        };
        /** ErrorDetail */
        ErrorDetail: {
            /**
             * Code
             * @description Stable machine-readable code, e.g. validation_error.
             */
            code: string;
            /** Details */
            details?: unknown;
            /**
             * Message
             * @description What was wrong and what to do.
             */
            message: string;
        };
        /** EvaluationComparison */
        EvaluationComparison: {
            after: components["schemas"]["EvaluationRead"];
            before: components["schemas"]["EvaluationRead"];
            /**
             * Broken
             * @description Right before, wrong after (first 500).
             */
            broken: components["schemas"]["ChangedItem"][];
            /** Broken Count */
            broken_count: number;
            /**
             * Fixed
             * @description Wrong before, right after (first 500).
             */
            fixed: components["schemas"]["ChangedItem"][];
            /** Fixed Count */
            fixed_count: number;
            /** Key Scorer */
            key_scorer: string;
            /** Scorers */
            scorers: {
                [key: string]: components["schemas"]["ScorerDelta"];
            };
        };
        /**
         * EvaluationCreate
         * @description A model's outputs on a set of items. The server parses, stores and scores them.
         */
        EvaluationCreate: {
            /**
             * Config
             * @description Generation settings.
             */
            config?: {
                [key: string]: unknown;
            };
            /**
             * Dataset Key
             * @default null
             */
            dataset_key: string | null;
            /** Items */
            items: components["schemas"]["EvaluationItemIn"][];
            /**
             * Model
             * @description What generated the outputs, e.g. "gemma3-1b (base)" or a run directory.
             */
            model: string;
            /** Name */
            name: string;
            /**
             * Run Id
             * @description The run whose checkpoint it is.
             * @default null
             */
            run_id: string | null;
            /** Scorers */
            scorers?: string[];
            /**
             * Split
             * @default null
             */
            split: string | null;
        };
        /** EvaluationItemIn */
        EvaluationItemIn: {
            /**
             * Item Id
             * @description Stable id of the evaluated record (pairs items across evaluations).
             */
            item_id: string;
            /** Metadata */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Prompt
             * @description The question as the user wrote it.
             */
            prompt: string;
            /**
             * Reference Answer
             * @default null
             */
            reference_answer: string | null;
            /**
             * Response
             * @description The model's raw generated text.
             */
            response: string;
        };
        /** EvaluationItemPage */
        EvaluationItemPage: {
            /** Items */
            items: components["schemas"]["EvaluationItemRead"][];
            /**
             * Matched
             * @description Items the filter keeps (all of them without one).
             */
            matched: number;
            /** Next Offset */
            next_offset: number | null;
        };
        /** EvaluationItemRead */
        EvaluationItemRead: {
            /** Final Answer */
            final_answer: string;
            /** Item Id */
            item_id: string;
            /** Prompt Preview */
            prompt_preview: string;
            /** Reference Answer */
            reference_answer: string | null;
            /**
             * Response
             * @description The model's raw generated text, as it was sent.
             */
            response: string | null;
            /** Scores */
            scores: {
                [key: string]: number;
            };
            /**
             * Trace Id
             * Format: uuid
             */
            trace_id: string;
        };
        /** EvaluationList */
        EvaluationList: {
            /** Items */
            items: components["schemas"]["EvaluationRead"][];
        };
        /** EvaluationRead */
        EvaluationRead: {
            /** Config */
            config: {
                [key: string]: unknown;
            };
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Dataset Key */
            dataset_key: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Item Count */
            item_count: number;
            /** Model */
            model: string;
            /** Name */
            name: string;
            /** Run Id */
            run_id: string | null;
            /** Scorers */
            scorers: string[];
            /** Split */
            split: string | null;
            /** Summary */
            summary: {
                [key: string]: components["schemas"]["ScorerSummary"];
            };
        };
        /**
         * ExternalScoreCreate
         * @description Store a score measured elsewhere: by a person or by a judge model.
         */
        ExternalScoreCreate: {
            /** Details */
            details?: {
                [key: string]: unknown;
            };
            /**
             * Label
             * @default null
             */
            label: string | null;
            /** Name */
            name: string;
            /**
             * Source
             * @enum {string}
             */
            source: "human" | "judge";
            /** Value */
            value: number;
        };
        /** Health */
        Health: {
            database: components["schemas"]["DatabaseHealth"];
            /**
             * Status
             * @enum {string}
             */
            status: "ok" | "degraded";
            /** Version */
            version: string;
        };
        /** ImportResult */
        ImportResult: {
            /**
             * Created
             * @description New traces stored.
             */
            created: number;
            /**
             * Existing
             * @description Records skipped because the same trace is already stored (or repeated).
             */
            existing: number;
            /**
             * Invalid
             * @description Lines that could not be imported (the first 1,000), in file order.
             */
            invalid: components["schemas"]["InvalidLine"][];
            /**
             * Invalid Count
             * @description How many lines were invalid in all.
             */
            invalid_count: number;
            /**
             * Read
             * @description Records read (non-blank lines).
             */
            read: number;
        };
        /** InvalidLine */
        InvalidLine: {
            /** Error */
            error: string;
            /**
             * Line
             * @description 1-based line number in the file.
             */
            line: number;
        };
        /** MetricIn */
        MetricIn: {
            /** Name */
            name: string;
            /** Step */
            step: number;
            /**
             * Time
             * @description When measured; default now.
             * @default null
             */
            time: string | null;
            /** Value */
            value: number;
        };
        /** MetricList */
        MetricList: {
            /** Items */
            items: components["schemas"]["MetricRead"][];
            /**
             * Names
             * @description Every metric name this run has.
             */
            names: string[];
        };
        /** MetricRead */
        MetricRead: {
            /** Name */
            name: string;
            /** Step */
            step: number;
            /**
             * Time
             * Format: date-time
             */
            time: string;
            /** Value */
            value: number;
        };
        /** MetricsAccepted */
        MetricsAccepted: {
            /** Accepted */
            accepted: number;
        };
        /** MetricsIn */
        MetricsIn: {
            /** Metrics */
            metrics: components["schemas"]["MetricIn"][];
        };
        /** RolloutCompletionIn */
        RolloutCompletionIn: {
            /**
             * Advantage
             * @description The group-relative advantage the trainer computed.
             */
            advantage: number;
            /**
             * Index
             * @description The completion's place in its group.
             */
            index: number;
            /**
             * Response
             * @description The generated text, raw (parsed as evaluations are).
             */
            response: string;
            /**
             * Reward
             * @description The trainer's weighted total reward.
             */
            reward: number;
            /**
             * Rewards
             * @description The trainer's unweighted value per reward scorer.
             */
            rewards?: {
                [key: string]: number;
            };
        };
        /** RolloutCompletionRead */
        RolloutCompletionRead: {
            /** Advantage */
            advantage: number;
            /** Final Answer */
            final_answer: string;
            /** Index */
            index: number;
            /** Response */
            response: string;
            /** Reward */
            reward: number;
            /** Scores */
            scores: {
                [key: string]: number;
            };
            /**
             * Trace Id
             * Format: uuid
             */
            trace_id: string;
        };
        /** RolloutGroupIn */
        RolloutGroupIn: {
            /** Completions */
            completions: components["schemas"]["RolloutCompletionIn"][];
            /**
             * Group
             * @description The prompt group's index in the step.
             */
            group: number;
            /**
             * Item Id
             * @description The id of the training record the prompt came from.
             */
            item_id: string;
            /**
             * Prompt
             * @description The question (user text).
             */
            prompt: string;
            /**
             * Reference Answer
             * @default null
             */
            reference_answer: string | null;
        };
        /** RolloutGroupRead */
        RolloutGroupRead: {
            /** Completions */
            completions: components["schemas"]["RolloutCompletionRead"][];
            /** Group */
            group: number;
            /** Item Id */
            item_id: string;
            /** Prompt */
            prompt: string;
            /** Reference Answer */
            reference_answer: string | null;
        };
        /**
         * RolloutsIn
         * @description One training step's sampled completions, grouped by prompt.
         */
        RolloutsIn: {
            /** Groups */
            groups: components["schemas"]["RolloutGroupIn"][];
            /**
             * Scorers
             * @description Server scorers to score every completion with.
             */
            scorers: string[];
            /** Step */
            step: number;
            /**
             * Weights
             * @description Each reward scorer's weight in the total reward.
             */
            weights?: {
                [key: string]: number;
            };
        };
        /** RolloutsStored */
        RolloutsStored: {
            /**
             * Created
             * @description False when the step was already recorded (a retry).
             */
            created: boolean;
            /** Step */
            step: number;
            /**
             * Stored
             * @description Completions the step holds.
             */
            stored: number;
            /**
             * Trace Ids
             * @description By group, then completion index.
             */
            trace_ids: string[];
        };
        /** RolloutStepList */
        RolloutStepList: {
            /** Steps */
            steps: components["schemas"]["RolloutStepSummary"][];
        };
        /** RolloutStepRead */
        RolloutStepRead: {
            /** Groups */
            groups: components["schemas"]["RolloutGroupRead"][];
            /** Scorers */
            scorers: string[];
            /** Step */
            step: number;
            /** Weights */
            weights: {
                [key: string]: number;
            };
        };
        /** RolloutStepSummary */
        RolloutStepSummary: {
            /** Completions */
            completions: number;
            /** Groups */
            groups: number;
            /**
             * Reward Mean
             * @description Mean of the trainer's total rewards.
             */
            reward_mean: number | null;
            /**
             * Scores
             * @description Mean server score per scorer of the step.
             */
            scores: {
                [key: string]: number;
            };
            /** Step */
            step: number;
        };
        /** RunCreate */
        RunCreate: {
            /** Artifacts */
            artifacts?: {
                [key: string]: unknown;
            };
            /** Base Model */
            base_model: string;
            /**
             * Config
             * @description The resolved config.
             */
            config?: {
                [key: string]: unknown;
            };
            /**
             * Dataset Checksum
             * @default null
             */
            dataset_checksum: string | null;
            /**
             * Dataset Key
             * @default null
             */
            dataset_key: string | null;
            /**
             * Git Sha
             * @default null
             */
            git_sha: string | null;
            /**
             * Kind
             * @default sft
             * @enum {string}
             */
            kind: "sft" | "grpo";
            /**
             * Name
             * @default null
             */
            name: string | null;
            /**
             * Parent Run Id
             * @description The run this one started from (e.g. the SFT run whose checkpoint a GRPO run trains on); it must exist.
             * @default null
             */
            parent_run_id: string | null;
            /**
             * Seed
             * @default null
             */
            seed: number | null;
            /**
             * Status
             * @default queued
             * @enum {string}
             */
            status: "queued" | "running";
        };
        /** RunList */
        RunList: {
            /** Items */
            items: components["schemas"]["RunRead"][];
        };
        /** RunRead */
        RunRead: {
            /** Artifacts */
            artifacts: {
                [key: string]: unknown;
            };
            /** Base Model */
            base_model: string;
            /** Config */
            config: {
                [key: string]: unknown;
            };
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Dataset Checksum */
            dataset_checksum: string | null;
            /** Dataset Key */
            dataset_key: string | null;
            /** Error */
            error: string | null;
            /** Finished At */
            finished_at: string | null;
            /** Git Sha */
            git_sha: string | null;
            /** Heartbeat At */
            heartbeat_at: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /**
             * Kind
             * @enum {string}
             */
            kind: "sft" | "grpo";
            /** Name */
            name: string | null;
            /** Parent Run Id */
            parent_run_id: string | null;
            /** Seed */
            seed: number | null;
            /** Started At */
            started_at: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            /** Summary */
            summary: {
                [key: string]: unknown;
            };
        };
        /**
         * RunScorer
         * @description Run a built-in scorer on the trace and store its result.
         */
        RunScorer: {
            /** Scorer */
            scorer: string;
        };
        /** RunUpdate */
        RunUpdate: {
            /**
             * Artifacts
             * @description Merged into the stored.
             * @default null
             */
            artifacts: {
                [key: string]: unknown;
            } | null;
            /**
             * Error
             * @default null
             */
            error: string | null;
            /**
             * Status
             * @default null
             */
            status: ("queued" | "running" | "succeeded" | "failed" | "cancelled") | null;
            /**
             * Summary
             * @description Merged into the stored.
             * @default null
             */
            summary: {
                [key: string]: unknown;
            } | null;
        };
        /**
         * ScoreCreateBody
         * @description A built-in scorer run, or an external score (documented as one body).
         */
        ScoreCreateBody: components["schemas"]["RunScorer"] | components["schemas"]["ExternalScoreCreate"];
        /** ScorerDelta */
        ScorerDelta: {
            /** After Mean */
            after_mean: number | null;
            /** Before Mean */
            before_mean: number | null;
            /** Ci High */
            ci_high: number | null;
            /**
             * Ci Low
             * @description 95% bootstrap interval of the delta (paired).
             */
            ci_low: number | null;
            /** Delta */
            delta: number | null;
            /**
             * N
             * @description Items present in both evaluations.
             */
            n: number;
        };
        /** ScoreRead */
        ScoreRead: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Details */
            details: {
                [key: string]: unknown;
            };
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Label */
            label: string | null;
            /** Name */
            name: string;
            /**
             * Source
             * @enum {string}
             */
            source: "auto" | "human" | "judge";
            /**
             * Trace Id
             * Format: uuid
             */
            trace_id: string;
            /** Value */
            value: number;
            /** Version */
            version: string | null;
        };
        /** ScorerRead */
        ScorerRead: {
            /** Description */
            description: string;
            /**
             * Max Value
             * @description The highest value the scorer gives (the best).
             */
            max_value: number;
            /**
             * Min Value
             * @description The lowest value the scorer gives (the worst).
             */
            min_value: number;
            /** Name */
            name: string;
            /** Version */
            version: string;
        };
        /** ScorerSummary */
        ScorerSummary: {
            /** Ci High */
            ci_high: number | null;
            /** Ci Low */
            ci_low: number | null;
            /** Count */
            count: number;
            /** Mean */
            mean: number | null;
        };
        /** SplitRequest */
        SplitRequest: {
            /**
             * Eval Fraction
             * @description Share of traces held out for eval.
             */
            eval_fraction: number;
            /**
             * Group By
             * @description Traces with the same (normalised) prompt always land on the same side.
             * @default prompt
             * @constant
             */
            group_by: "prompt";
            /**
             * Seed
             * @description Defaults to the build's seed, else 0.
             * @default null
             */
            seed: number | null;
        };
        /** StepIn */
        StepIn: {
            /** Content */
            content: string;
            /**
             * Type
             * @default reasoning
             */
            type: string;
        };
        /** StepRead */
        StepRead: {
            /** Content */
            content: string;
            /** Type */
            type: string;
        };
        /** TraceBatchCreate */
        TraceBatchCreate: {
            /** Traces */
            traces: components["schemas"]["TraceCreate"][];
        };
        /** TraceBatchResult */
        TraceBatchResult: {
            /**
             * Created
             * @description How many traces were new.
             */
            created: number;
            /**
             * Existing
             * @description How many were already stored (same content).
             */
            existing: number;
            /**
             * Ids
             * @description One id per submitted trace, in order.
             */
            ids: string[];
        };
        /** TraceComparison */
        TraceComparison: {
            base: components["schemas"]["TraceWithScores"];
            other: components["schemas"]["TraceWithScores"];
        };
        /** TraceCount */
        TraceCount: {
            /** Count */
            count: number;
        };
        /**
         * TraceCreate
         * @description A reasoning trace as a client submits it.
         */
        TraceCreate: {
            /**
             * Final Answer
             * @description The answer the trace arrives at.
             */
            final_answer: string;
            /** Metadata */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Prompt
             * @description The question or task the model was given.
             */
            prompt: string;
            /**
             * Reference Answer
             * @description The known correct answer.
             * @default null
             */
            reference_answer: string | null;
            /**
             * Run Id
             * @description The run that produced it.
             * @default null
             */
            run_id: string | null;
            /**
             * Source
             * @description Where the trace came from.
             * @default manual
             */
            source: string;
            /**
             * Steps
             * @description Ordered reasoning steps.
             */
            steps?: components["schemas"]["StepIn"][];
            /** Tags */
            tags?: string[];
            /**
             * Trace Version
             * @default 1.0
             */
            trace_version: string;
        };
        /**
         * TraceFilter
         * @description Which traces: every condition must hold. Used by listing, bulk scoring and datasets.
         */
        TraceFilter: {
            /**
             * Created After
             * @default null
             */
            created_after: string | null;
            /**
             * Created Before
             * @default null
             */
            created_before: string | null;
            /**
             * Max Scores
             * @description Some score of that name <= value.
             */
            max_scores?: {
                [key: string]: number;
            };
            /**
             * Metadata
             * @description Equality on metadata values; dotted keys (`a.b`) reach nested objects.
             */
            metadata?: {
                [key: string]: unknown;
            };
            /**
             * Min Scores
             * @description Score thresholds, e.g. {"answer_match": 1}: some score of that name >= value.
             */
            min_scores?: {
                [key: string]: number;
            };
            /**
             * Q
             * @description Text the prompt contains (case-insensitive).
             * @default null
             */
            q: string | null;
            /**
             * Run Id
             * @default null
             */
            run_id: string | null;
            /**
             * Source
             * @default null
             */
            source: string | null;
            /**
             * Tags
             * @description Traces carrying all these tags.
             */
            tags?: string[];
        };
        /** TracePage */
        TracePage: {
            /** Items */
            items: components["schemas"]["TraceSummary"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page; null at end.
             */
            next_cursor: string | null;
        };
        /** TracePreview */
        TracePreview: {
            /** Final Answer */
            final_answer: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Prompt */
            prompt: string;
            /** Steps */
            steps: components["schemas"]["StepRead"][];
        };
        /** TraceRead */
        TraceRead: {
            /** Content Hash */
            content_hash: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Final Answer */
            final_answer: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Prompt */
            prompt: string;
            /** Reference Answer */
            reference_answer: string | null;
            /** Run Id */
            run_id: string | null;
            /** Source */
            source: string;
            /** Step Count */
            step_count: number;
            /** Steps */
            steps: components["schemas"]["StepRead"][];
            /** Tags */
            tags: string[];
            /** Trace Version */
            trace_version: string;
        };
        /**
         * TraceSummary
         * @description A list item: the light fields, with the prompt and answers cut to a preview.
         */
        TraceSummary: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Final Answer Preview */
            final_answer_preview: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Prompt Preview */
            prompt_preview: string;
            /** Reference Answer Preview */
            reference_answer_preview: string | null;
            /** Run Id */
            run_id: string | null;
            /** Source */
            source: string;
            /** Step Count */
            step_count: number;
            /** Tags */
            tags: string[];
            /** Trace Version */
            trace_version: string;
        };
        /** TraceWithScores */
        TraceWithScores: {
            /** Content Hash */
            content_hash: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Final Answer */
            final_answer: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Metadata */
            metadata: {
                [key: string]: unknown;
            };
            /** Prompt */
            prompt: string;
            /** Reference Answer */
            reference_answer: string | null;
            /** Run Id */
            run_id: string | null;
            /** Scores */
            scores: components["schemas"]["ScoreRead"][];
            /** Source */
            source: string;
            /** Step Count */
            step_count: number;
            /** Steps */
            steps: components["schemas"]["StepRead"][];
            /** Tags */
            tags: string[];
            /** Trace Version */
            trace_version: string;
        };
        /** UngarStatus */
        UngarStatus: {
            /** Available */
            available: boolean;
            /** Version */
            version: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    "datasets-list_datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetList"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "datasets-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "datasets-export": {
        parameters: {
            query?: {
                format?: "trace" | "tunix_sft" | "chat" | "prompt_only";
                split?: ("train" | "eval") | null;
                style?: "tags" | "numbered";
                system?: string | null;
            };
            header?: {
                "if-none-match"?: string | null;
            };
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One record per line. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": unknown;
                };
            };
            /** @description Unchanged (If-None-Match matched the ETag). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "datasets-manifest": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "datasets-build": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatasetBuildRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetBuildResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "datasets-preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatasetBuildRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPreview"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "demo-load_demo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "evaluations-list_evaluations": {
        parameters: {
            query?: {
                limit?: number;
                run_id?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationList"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "evaluations-create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluationCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "evaluations-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                evaluation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "evaluations-items": {
        parameters: {
            query?: {
                limit?: number;
                /** @description e.g. answer_match, 0: wrong answers */
                max_value?: number | null;
                min_value?: number | null;
                offset?: number;
                /** @description Keep the items whose score of this scorer is in range. */
                scorer?: string | null;
            };
            header?: never;
            path: {
                evaluation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationItemPage"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "evaluations-compare": {
        parameters: {
            query: {
                after: string;
                before: string;
                key_scorer?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationComparison"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "system-health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The database is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    "runs-list_runs": {
        parameters: {
            query?: {
                kind?: ("sft" | "grpo") | null;
                limit?: number;
                /** @description Only the runs started from this run. */
                parent_run_id?: string | null;
                status?: ("queued" | "running" | "succeeded" | "failed" | "cancelled") | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "runs-create": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "runs-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "runs-update": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "runs-metrics": {
        parameters: {
            query?: {
                after_step?: number | null;
                name?: string | null;
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricList"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "runs-add_metrics": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MetricsIn"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricsAccepted"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "rollouts-list_steps": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutStepList"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "rollouts-create": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutsIn"];
            };
        };
        responses: {
            /** @description Step already recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutsStored"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutsStored"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "rollouts-get_step": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
                step: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutStepRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "scores-list_scorers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScorerRead"][];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "scores-score_bulk": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkScoreRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkScoreResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "sources-generate_arithmetic": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ArithmeticSpec"];
            };
        };
        responses: {
            /** @description All already stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArithmeticResult"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArithmeticResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-list_traces": {
        parameters: {
            query?: {
                created_after?: string | null;
                created_before?: string | null;
                cursor?: string | null;
                limit?: number;
                q?: string | null;
                run_id?: string | null;
                source?: string | null;
                tag?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TracePage"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-create": {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key returns the first result instead of storing again. */
                "Idempotency-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TraceCreate"];
            };
        };
        responses: {
            /** @description Already stored; nothing new written. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceRead"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-get": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trace_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceWithScores"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-delete": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trace_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "scores-list_scores": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trace_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScoreRead"][];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "scores-create_score": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                trace_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScoreCreateBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScoreRead"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-create_batch": {
        parameters: {
            query?: never;
            header?: {
                /** @description Retrying with the same key returns the first result instead of storing again. */
                "Idempotency-Key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TraceBatchCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceBatchResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-compare": {
        parameters: {
            query: {
                base: string;
                other: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceComparison"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-count_traces": {
        parameters: {
            query?: {
                created_after?: string | null;
                created_before?: string | null;
                q?: string | null;
                run_id?: string | null;
                source?: string | null;
                tag?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TraceCount"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "traces-import_traces": {
        parameters: {
            query: {
                format: "gsm8k" | "jsonl";
                keep_calculator_marks?: boolean;
                /** @description jsonl: FIELD=PATH, repeated (prompt=question, response=out.text). */
                map?: string[] | null;
                parser?: "tags" | "numbered" | "gsm8k" | "lines";
                skip_invalid?: boolean;
                source?: string | null;
                split?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The file itself as the body: one JSON object per line (JSONL). */
        requestBody: {
            content: {
                "application/octet-stream": string;
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "ungar-export_jsonl": {
        parameters: {
            query?: {
                limit?: number;
                trace_ids?: string[] | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description NDJSON. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": unknown;
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "ungar-generate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DuelGenerateRequest"];
            };
        };
        responses: {
            /** @description Preview. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DuelGenerateResult"];
                };
            };
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DuelGenerateResult"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description UNGAR is not installed; the message says how to install. */
            501: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    "ungar-status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UngarStatus"];
                };
            };
            /** @description Malformed request (e.g. invalid JSON). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description No API key or a wrong one (when keys are set). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Not found. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Conflicts with what is stored. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Invalid input. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Database unavailable; retry. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
