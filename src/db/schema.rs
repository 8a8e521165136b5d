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
    change_log_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organization,
    departments,
    positions,
    employees,
    assignments,
    users,
    api_tokens,
    change_log,
    change_log_head,
);

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
        registration_number -> Nullable<Text>,
        review_date -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jd_versions (id) {
        id -> Text,
        job_description_id -> Text,
        number -> Integer,
        status -> Text,
        based_on_id -> Nullable<Text>,
        content -> Text,
        revision -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(library_clauses, templates, job_descriptions, jd_versions, positions);
