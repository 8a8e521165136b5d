//! Portable diesel schema shared by the SQLite and PostgreSQL migrations.

diesel::table! {
    organization (id) {
        id -> Text,
        full_name -> Text,
        short_name -> Text,
        legal_form -> Text,
        city -> Text,
        head_position -> Text,
        head_name -> Text,
        time_zone -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    departments (id) {
        id -> Text,
        name -> Text,
        parent_id -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    positions (id) {
        id -> Text,
        title -> Text,
        title_genitive -> Text,
        category -> Text,
        department_id -> Text,
        reports_to_id -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    employees (id) {
        id -> Text,
        surname -> Text,
        name -> Text,
        patronymic -> Text,
        personnel_number -> Text,
        email -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        employee_id -> Text,
        position_id -> Text,
        date_from -> Date,
        date_to -> Nullable<Date>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        login -> Text,
        password_hash -> Text,
        roles -> Text,
        employee_id -> Nullable<Text>,
        updated_at -> Timestamp,
        active -> Bool,
        email -> Nullable<Text>,
        mail_digest -> Bool,
        directory_dn -> Nullable<Text>,
        locale -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        address -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    sign_ins (id) {
        id -> Text,
        at -> Timestamp,
        login -> Text,
        user_id -> Nullable<Text>,
        address -> Text,
        user_agent -> Text,
        channel -> Text,
        outcome -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    change_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor -> Text,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    change_log_checkpoint (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
        verified_at -> Timestamp,
    }
}

diesel::table! {
    change_log_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    library_clauses (id) {
        id -> Text,
        section_kind -> Text,
        categories -> Text,
        source -> Text,
        text -> Text,
        revision -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    templates (id) {
        id -> Text,
        name -> Text,
        category -> Nullable<Text>,
        content -> Text,
        revision -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    job_descriptions (id) {
        id -> Text,
        position_id -> Text,
        review_date -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jd_version_texts (version_id) {
        version_id -> Text,
        content -> Text,
    }
}

diesel::table! {
    jd_versions (id) {
        id -> Text,
        job_description_id -> Text,
        number -> Integer,
        status -> Text,
        based_on_id -> Nullable<Text>,
        revision -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        round -> Integer,
        route -> Nullable<Text>,
        editorial -> Bool,
        sent_by -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        registration_number -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        effective_date -> Nullable<Date>,
        order_number -> Nullable<Text>,
        order_date -> Nullable<Date>,
    }
}

diesel::table! {
    department_routes (department_id) {
        department_id -> Text,
        route -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    visas (id) {
        id -> Text,
        version_id -> Text,
        round -> Integer,
        stage -> Integer,
        user_id -> Text,
        acted_by -> Text,
        decision -> Text,
        comment -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    clause_comments (id) {
        id -> Text,
        version_id -> Text,
        round -> Integer,
        clause_id -> Text,
        user_id -> Text,
        text -> Text,
        at -> Timestamp,
        reply_to -> Nullable<Text>,
    }
}

diesel::table! {
    substitutes (id) {
        id -> Text,
        user_id -> Text,
        substitute_id -> Text,
        date_from -> Date,
        date_to -> Date,
    }
}

diesel::table! {
    registration_counters (year) {
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    acknowledgements (id) {
        id -> Text,
        version_id -> Text,
        employee_id -> Text,
        content_hash -> Text,
        due_date -> Date,
        created_at -> Timestamp,
        signed_at -> Nullable<Timestamp>,
        method -> Nullable<Text>,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        signature_code -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    imports (id) {
        id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        source -> Text,
        lines -> Text,
        result -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        text -> Text,
        link -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> Text,
        dedupe -> Text,
        user_id -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event -> Text,
        dedupe -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    webhooks,
    webhook_deliveries,
    mail_outbox,
    notifications,
    organization,
    departments,
    positions,
    employees,
    assignments,
    users,
    api_tokens,
    change_log,
    change_log_checkpoint,
    change_log_head,
    library_clauses,
    templates,
    job_descriptions,
    jd_versions,
    jd_version_texts,
    department_routes,
    visas,
    clause_comments,
    substitutes,
    registration_counters,
    acknowledgements,
    imports,
    sessions,
    sign_ins,
);
